// coroutines/thread.hpp — coroutine threads: spawn, join (co_await the handle), yield, sleep,
// stop.
//
// A coroutine thread is a task that spawn hands to the scheduler, with every task it awaits in
// turn: one chain of frames, of which only the innermost is ever suspended. It runs on whichever
// worker resumes it and may move to another at any co_await that suspends (yield, sleep, a
// mutex, condition, channel or join). Nothing here blocks a kernel thread: every wait is a
// co_await, so only a coroutine can wait (README.md, "function colouring").
// Pitfall: a thread_local read before such a co_await may be another worker's after it.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "detail/park.hpp"
#include "task.hpp"

namespace coroutines {

namespace detail {

// start_thread(t, outermost) — give thread t an id, count it alive, report it created and queue
// it, with `outermost` as the frame to resume first (thread.cpp). Precondition: on a worker.
void start_thread(thread_control* t, std::coroutine_handle<> outermost) noexcept;

// spawned<T> — a thread's control block with its outermost task.
template <class T>
struct spawned : thread_control {
  task<T> body;
  // result() — the outermost task's value, or its exception rethrown. Once, after it ended.
  T result() { return body.frame_.promise().result(); }
  // start<Self>() — hand the thread to the scheduler (start_thread); Self is the most-derived
  // type, which destroy deletes.
  template <class Self>
  void start() {
    body.frame_.promise().set_thread(this);
    this->destroy = [](thread_control* t) noexcept { delete static_cast<Self*>(t); };
    start_thread(this, body.frame_);
  }
};

// spawned_fn<T, F> — spawned<T> that also owns the function the task came from, so a lambda's
// captures live as long as the coroutine that uses them.
template <class T, class F>
struct spawned_fn : spawned<T> {
  F fn;
  explicit spawned_fn(F&& f) : fn(std::move(f)) {}
  explicit spawned_fn(const F& f) : fn(f) {}
};

// detach_thread(t) — the handle gives t up (joined, detached or destroyed): delete t and its
// frames if it has terminated, or leave that to its end (thread.cpp, J3).
void detach_thread(thread_control* t) noexcept;

// await_join(t, h) — suspend the calling thread (resuming h later) until t has terminated;
// false when t had already terminated (no suspension).
bool await_join(thread_control* t, std::coroutine_handle<> h) noexcept;

// terminated(t) — t has terminated (acquire: pairs with J2's exchange in thread.cpp; the result
// is visible). Inline: every join asks it first, and a load of t's own word is safe to inline.
inline bool terminated(const thread_control* t) noexcept {
  return t->join_word.load(std::memory_order_acquire) == join_terminated;
}

// task_result — the T of a task<T>.
template <class Task>
struct task_result;
template <class T>
struct task_result<task<T>> {
  using type = T;
};

}  // namespace detail

// thread_function — what spawn accepts besides a task: a callable that takes nothing, or a
// std::stop_token (then it receives the token that join_handle::request_stop() triggers), and
// returns a task.
template <class F>
concept thread_function = std::move_constructible<std::decay_t<F>> &&
    (std::invocable<std::decay_t<F>&> || std::invocable<std::decay_t<F>&, std::stop_token>);

// join_handle<T> — the handle of a coroutine thread producing T. Movable, not copyable.
// `co_await h` (or h.join()) waits for the thread and returns its result, rethrowing what
// escaped it; the handle is then empty. A handle destroyed unjoined detaches, as hybrid::thread
// does: the thread runs on, and still finishes before coroutines::run returns.
// Precondition: join, detach and destroy handles inside coroutines::run.
template <class T>
class join_handle {
 public:
  join_handle() noexcept = default;
  join_handle(join_handle&& other) noexcept : thread_(std::exchange(other.thread_, nullptr)) {}
  join_handle& operator=(join_handle&& other) noexcept {
    if (this != &other) {
      detach();
      thread_ = std::exchange(other.thread_, nullptr);
    }
    return *this;
  }
  join_handle(const join_handle&) = delete;
  join_handle& operator=(const join_handle&) = delete;
  ~join_handle() { detach(); }
  // join_handle(t) — the handle of started thread t (what spawn returns).
  explicit join_handle(detail::spawned<T>* t) noexcept : thread_(t) {}

  // joinable() — true until joined or detached.
  bool joinable() const noexcept { return thread_ != nullptr; }

  // detach() — give up the handle; the thread runs on, and its frames are freed when it ends.
  void detach() noexcept {
    if (thread_ != nullptr) detail::detach_thread(std::exchange(thread_, nullptr));
  }

  // id() — the thread's id (unique within a run), or 0 for an empty handle.
  std::uint64_t id() const noexcept { return thread_ ? thread_->id : 0; }

  // request_stop() — ask the thread to stop: its std::stop_token turns stop_requested() and a
  // stoppable wait it is in returns. Cooperative. False when the thread's function takes no
  // std::stop_token or a stop was already requested. Precondition: joinable().
  bool request_stop() noexcept { return thread_->stop.request_stop(); }

  // get_stop_token() — the token the thread's function received (an empty token when it takes
  // none). Precondition: joinable().
  std::stop_token get_stop_token() const noexcept { return thread_->stop.get_token(); }

  // awaiter — `co_await h.join()`: suspends the caller until the thread has terminated; every
  // effect of the thread happens-before it returns the result.
  class awaiter {
   public:
    explicit awaiter(join_handle& h) noexcept : handle_(h) {}
    bool await_ready() const noexcept { return detail::terminated(handle_.thread_); }
    bool await_suspend(std::coroutine_handle<> h) noexcept {
      return detail::await_join(handle_.thread_, h);
    }
    T await_resume() {
      struct release {
        join_handle& h;
        ~release() { h.detach(); }
      } at_exit{handle_};
      return handle_.thread_->result();
    }

   private:
    join_handle& handle_;
  };

  // join() — the awaitable above. Precondition: joinable(), inside run, not the thread itself.
  [[nodiscard]] awaiter join() noexcept { return awaiter(*this); }
  awaiter operator co_await() noexcept { return join(); }

 private:
  detail::spawned<T>* thread_ = nullptr;
};

// spawn(t) — start task t as a new coroutine thread and return its handle. The thread is queued
// on the calling worker (it may be stolen, and may run before spawn returns on another worker).
// Precondition: inside run, t valid and never awaited. Pitfall: t's arguments must outlive it;
// a lambda coroutine's captures do not travel with t (spawn the lambda itself: below).
template <class T>
join_handle<T> spawn(task<T> t) {
  auto* s = new detail::spawned<T>;
  s->body = std::move(t);
  s->template start<detail::spawned<T>>();
  return join_handle<T>(s);
}

// spawn(fn) — spawn(fn()) or spawn(fn(token)) where fn is kept in the thread's control block
// for as long as the thread lives: a lambda coroutine's captures stay valid.
template <thread_function F>
auto spawn(F&& fn) {
  using Fn = std::decay_t<F>;
  constexpr bool takes_token = std::invocable<Fn&, std::stop_token>;
  using Task = typename std::conditional_t<takes_token, std::invoke_result<Fn&, std::stop_token>,
                                           std::invoke_result<Fn&>>::type;
  using T = typename detail::task_result<Task>::type;
  auto* s = new detail::spawned_fn<T, Fn>(std::forward<F>(fn));
  try {
    if constexpr (takes_token) {
      s->stop = std::stop_source();
      s->body = s->fn(s->stop.get_token());
    } else {
      s->body = s->fn();
    }
  } catch (...) {
    delete s;
    throw;
  }
  s->template start<detail::spawned_fn<T, Fn>>();
  return join_handle<T>(s);
}

// yield_awaiter — `co_await yield()`: let the other ready threads of this worker run first.
class yield_awaiter {
 public:
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept;
  void await_resume() const noexcept {}
};

// yield() — the awaitable above. Precondition: inside a coroutine thread.
inline yield_awaiter yield() noexcept { return {}; }

namespace detail {
// timer_node — a sleeping thread in its worker's timer heap (src/timer_heap.hpp), living in the
// sleep awaiter (or a socket wait's); heap and index are the heap's, under its lock.
struct timer_node : wait_node {
  std::chrono::steady_clock::time_point deadline;
  void* heap = nullptr;        // the timer heap it is in (or was last in)
  std::uint64_t sequence = 0;  // insertion order: equal deadlines fire first-in first-out
  std::size_t index = 0;       // its place in the heap while in it (under the heap's lock)
  bool in_heap = false;        // under the heap's lock
  bool fired = false;          // the deadline, not a stop request, ended the sleep
  // io_slot — for a socket wait's deadline (src/net.cpp): the wait slot the thread is suspended
  // in. Firing then wakes the thread only if it takes it out of the slot (src/poller.hpp).
  std::atomic<std::uintptr_t>* io_slot = nullptr;
};
// cancel_timer(n) — the stop request's half of a stoppable sleep (as wait_canceller).
void cancel_timer(timer_node* n) noexcept;
struct timer_canceller {
  timer_node* node;
  void operator()() const noexcept { cancel_timer(node); }
};
}  // namespace detail

// sleep_awaiter — `co_await sleep_until(t)`: suspend the calling thread (never its worker) until
// steady_clock reaches t, or until a stop is requested on the token given. Returns true when the
// deadline was reached, false when the stop request ended the sleep (at once if it already was
// requested).
class sleep_awaiter {
 public:
  sleep_awaiter(std::chrono::steady_clock::time_point deadline, std::stop_token token) noexcept
      : token_(std::move(token)) {
    node_.deadline = deadline;
  }
  sleep_awaiter(sleep_awaiter&&) = delete;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) noexcept;
  bool await_resume() const noexcept { return node_.fired; }

 private:
  detail::timer_node node_;
  std::stop_token token_;
  std::optional<std::stop_callback<detail::timer_canceller>> on_stop_;
};

// sleep_until(t, token) — the awaitable above. Precondition: inside a coroutine thread.
inline sleep_awaiter sleep_until(std::chrono::steady_clock::time_point t,
                                 std::stop_token token = {}) noexcept {
  return sleep_awaiter(t, std::move(token));
}

// sleep_for(d, token) — sleep_until(now + d, token): at least d.
template <class Rep, class Period>
sleep_awaiter sleep_for(std::chrono::duration<Rep, Period> d, std::stop_token token = {}) noexcept {
  return sleep_until(
      std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::steady_clock::duration>(d),
      std::move(token));
}

namespace this_thread {
// get_id() — the calling thread's id (as join_handle::id()). Precondition: in a thread of run.
std::uint64_t get_id() noexcept;
}  // namespace this_thread

}  // namespace coroutines
