// hybrid/thread.hpp — green threads of the M:N model: spawn, join, yield, sleep, stop.
//
// A hybrid::thread runs on whichever worker picks it up and may move to another worker at any
// yield or blocking call (mutex, condition, channel, join, sleep). Pitfall: a thread_local
// read before such a call may be a different worker's variable after it; do not keep pointers
// to thread_locals across blocking calls.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <new>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "detail/park.hpp"

namespace hybrid {

// thread — the handle of a green thread. Movable, not copyable. Join each thread exactly once
// before its handle is destroyed; a handle destroyed unjoined detaches (the thread still
// finishes before hybrid::run returns). Precondition: join, detach and destroy handles inside
// hybrid::run (the stacks they point into are unmapped when it returns).
class thread {
 public:
  thread() noexcept = default;
  thread(thread&& other) noexcept : control_(std::exchange(other.control_, nullptr)) {}
  // operator=(other) — precondition: *this is not joinable (otherwise it is detached first).
  thread& operator=(thread&& other) noexcept {
    if (this != &other) {
      if (control_ != nullptr) detach();
      control_ = std::exchange(other.control_, nullptr);
    }
    return *this;
  }
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  // ~thread — detaches a joinable handle. The test is inline: a joined or moved-from handle (the
  // common case) costs no call.
  ~thread() {
    if (control_ != nullptr) detach();
  }

  // joinable() — true until join() or detach().
  bool joinable() const noexcept { return control_ != nullptr; }

  // join() — block the calling green thread (not its worker) until this thread has finished;
  // every effect of the thread happens-before join returns. Rethrows the exception that
  // escaped the thread's function, if any. Precondition: joinable(), called inside run, and
  // not by the thread itself.
  void join();

  // detach() — give up the handle; the thread runs on and its stack is recycled when it ends.
  void detach() noexcept;

  // id() — the thread's id (unique within a run), or 0 for an empty handle.
  std::uint64_t id() const noexcept;

  // request_stop() — ask the thread to stop: its std::stop_token turns stop_requested().
  // Cooperative: nothing is interrupted. Returns false when the thread's function does not
  // take a std::stop_token (there is no stop state) or a stop was already requested.
  // Precondition: joinable().
  bool request_stop() noexcept;

  // get_stop_token() — the token passed to the thread's function (an empty token when the
  // function takes none). Precondition: joinable().
  std::stop_token get_stop_token() const noexcept;

 private:
  friend thread spawn_control(detail::thread_control*) noexcept;
  explicit thread(detail::thread_control* c) noexcept : control_(c) {}
  detail::thread_control* control_ = nullptr;
};

// thread_function — what spawn accepts: a callable that takes nothing, or a std::stop_token
// (then it receives the token that thread::request_stop() triggers).
template <class F>
concept thread_function = std::invocable < std::decay_t<F>
& > || std::invocable<std::decay_t<F>&, std::stop_token>;

// spawn_options — optional settings of one thread.
struct spawn_options {
  // name — shown in deadlock and stack overflow reports; copied, at most 31 bytes kept.
  const char* name = nullptr;
};

namespace detail {
template <class F>
struct callable_thunk {
  static void invoke(void* p, std::stop_token token) {
    F& f = *static_cast<F*>(p);
    if constexpr (std::is_invocable_v<F&, std::stop_token>) {
      f(std::move(token));
    } else {
      (void)token;
      f();
    }
  }
  static void destroy(void* p) noexcept { static_cast<F*>(p)->~F(); }
  static constexpr callable_ops ops{&invoke, &destroy, std::is_invocable_v<F&, std::stop_token>};
};
}  // namespace detail

// spawn_control(c) — wraps a started control block in a handle (used by spawn).
thread spawn_control(detail::thread_control* c) noexcept;

// spawn(o, fn) — create a green thread running fn() (or fn(stop_token) when fn takes one) and
// return its handle. fn is moved onto the new thread's own stack: spawning allocates no heap
// memory when fn takes no stop_token. The new thread may run, on any worker, before spawn
// returns. An exception escaping fn is rethrown by join. Precondition: called inside run.
template <thread_function F>
thread spawn(const spawn_options& o, F&& fn) {
  using Fn = std::decay_t<F>;
  void* storage = nullptr;
  detail::thread_control* c = detail::reserve_thread(sizeof(Fn), alignof(Fn), &storage);
  try {
    ::new (storage) Fn(std::forward<F>(fn));
  } catch (...) {
    detail::abandon_thread(c);
    throw;
  }
  detail::start_thread(c, &detail::callable_thunk<Fn>::ops, o.name);
  return spawn_control(c);
}

// spawn(fn) — spawn(spawn_options{}, fn).
template <thread_function F>
thread spawn(F&& fn) {
  return spawn(spawn_options{}, std::forward<F>(fn));
}

namespace this_thread {

// yield() — let the other ready threads of this worker run, then continue. Precondition:
// inside run.
void yield();

// sleep_until(t) — block the calling green thread (not its worker) until steady_clock reaches
// t. Precondition: inside run.
void sleep_until(std::chrono::steady_clock::time_point t);

// sleep_for(d) — block the calling green thread for at least d. Precondition: inside run.
template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  sleep_until(std::chrono::steady_clock::now() +
              std::chrono::ceil<std::chrono::steady_clock::duration>(d));
}

// get_id() — the calling thread's id (as thread::id()). Precondition: inside run.
std::uint64_t get_id() noexcept;

}  // namespace this_thread

}  // namespace hybrid
