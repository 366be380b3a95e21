// kernel_threads/thread.hpp — one kernel thread, with a name and a chosen stack size.
//
// kernel_threads::thread is std::jthread plus what std::jthread cannot do: pthread attributes.
// It creates the thread itself with pthread_create (std::jthread has no way to pass a stack
// size), and keeps jthread's semantics:
//   - cooperative cancellation: a callable whose first parameter is a std::stop_token receives
//     the handle's token; request_stop() asks it to finish; nothing is ever killed;
//   - the destructor (and move assignment onto a running thread) requests stop, then joins;
// and adds the reliability rule of threadlab (docs/architecture.md, "Reliability rules"): an
// exception escaping the thread is captured and rethrown by join(), never a silent std::terminate.
//
// Guarantees, in user terms:
//   - Everything the creating thread did before the constructor happens-before the callable's
//     first instruction; everything the thread did happens-before join() returns.
//   - The callable and its arguments are copied/moved into the new thread's state before the
//     constructor returns (as std::thread does): references to locals need std::ref.
//   - If the kernel refuses the thread, the constructor throws creation_error naming the limit
//     that was hit; no thread exists and nothing leaks.
#pragma once

#include <pthread.h>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "detail/thread_state.hpp"
#include "observer.hpp"

namespace kernel_threads {

// thread_options — how a kernel thread is created.
struct thread_options {
  // stack_size — bytes reserved for the thread's stack; 0 means glibc's default, which is the
  // soft RLIMIT_STACK read at process start (8 MiB on a stock Linux: `ulimit -s` is 8192) — see
  // default_stack_size(). A request is rounded up to a whole page, so the thread gets at least
  // what it asked for (pthread_getattr_np reports it); glibc adds a guard page below it and
  // keeps the thread's static TLS and descriptor at its top. glibc may also hand a thread a
  // cached stack of an earlier thread that is larger than asked (at most 4x).
  // Precondition: 0 or at least PTHREAD_STACK_MIN (16 KiB on x86-64); less throws
  // creation_error (EINVAL).
  std::size_t stack_size = 0;
  // name — shown by `top -H`, `ps -L`, gdb and /proc/self/task/TID/comm. The kernel keeps at
  // most 15 bytes (TASK_COMM_LEN is 16 with the NUL): a longer name is truncated to 15 bytes,
  // backing off so that a UTF-8 character is never cut in half. Empty: the thread keeps the name
  // of the thread that created it (the kernel copies it on clone).
  // (Both members have default initializers, so `thread_options{.name = "io"}` compiles
  // without -Wmissing-field-initializers.)
  std::string name{};
  // observer — receives the thread's transitions (observer.hpp); nullptr: none. Not owned;
  // must outlive the thread.
  kernel_threads::observer* observer = nullptr;
};

// creation_error — the kernel or glibc refused to create a thread. code() is the errno
// (EAGAIN, ENOMEM, EINVAL, EPERM); what() says which limit was hit and its current value.
class creation_error : public std::system_error {
 public:
  creation_error(int error, const std::string& what);
};

// max_name_length — the longest thread name the kernel keeps, in bytes.
inline constexpr std::size_t max_name_length = 15;

// truncate_name(name) — name cut to at most max_name_length bytes, never inside a UTF-8
// character. This is the name a thread created with thread_options{.name = name} reports.
std::string truncate_name(std::string name);

// default_stack_size() — the stack size a thread gets when thread_options::stack_size is 0
// (glibc's default attribute: the soft RLIMIT_STACK at process start, 8 MiB usually).
std::size_t default_stack_size();

// describe_stack(stack_size) — "stack 64 KiB (requested)", or for 0 glibc's default reserve:
// "stack 8192 KiB (glibc default reserve = soft RLIMIT_STACK, 8 MiB stock)". A reserve is
// address space: pages are committed on first touch.
std::string describe_stack(std::size_t stack_size);

// thread_function — what spawn (runtime.hpp) accepts: a callable that takes nothing, or a
// std::stop_token (then it receives the token that thread::request_stop() triggers).
template <class F>
concept thread_function = std::invocable < std::decay_t<F>
& > || std::invocable<std::decay_t<F>&, std::stop_token>;

// function_argument<F, Handle> — F may be the callable a thread starts with: it is neither a
// Handle (that is the move constructor's job) nor a thread_options (the other constructor's).
template <class F, class Handle>
concept function_argument = !std::is_same_v<std::remove_cvref_t<F>, Handle> &&
                            !std::is_same_v<std::remove_cvref_t<F>, thread_options>;

// thread — owns one kernel thread (or none, when default-constructed, moved from or joined).
// Movable, not copyable. The handle may be used from any one thread at a time.
class thread {
 public:
  // thread() — a handle that owns no thread; joinable() is false.
  thread() noexcept = default;

  // thread(fn, args...) — starts a kernel thread with default options running
  // fn(stop_token, args...) if fn accepts a std::stop_token first, else fn(args...).
  // Throws creation_error if the thread cannot be created.
  template <function_argument<thread> F, class... Args>
  explicit thread(F&& fn, Args&&... args)
      : thread(thread_options{}, std::forward<F>(fn), std::forward<Args>(args)...) {}

  // thread(options, fn, args...) — as above, with a name and a stack size.
  template <class F, class... Args>
  thread(const thread_options& options, F&& fn, Args&&... args) : stop_() {
    using state_type = detail::thread_state_for<std::decay_t<F>, std::decay_t<Args>...>;
    start(options, std::make_unique<state_type>(stop_.get_token(), std::forward<F>(fn),
                                                std::forward<Args>(args)...));
  }

  // ~thread() — if joinable: request_stop(), then wait for the thread to end. An exception the
  // thread captured is dropped here: call join() to observe it.
  ~thread();

  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  // thread(thread&&) — takes over other's thread; other no longer owns one.
  thread(thread&& other) noexcept;
  // operator=(thread&&) — if *this owns a running thread, requests stop and joins it first
  // (dropping its captured exception, as the destructor does), then takes over other's.
  thread& operator=(thread&& other) noexcept;

  // joinable() — true while the handle owns a thread that has not been joined.
  [[nodiscard]] bool joinable() const noexcept { return state_ != nullptr; }

  // join() — waits until the thread has finished; every effect of the thread happens-before
  // join returns. Then rethrows the exception that escaped the callable, if any. Afterwards
  // joinable() is false, even when join throws.
  // Preconditions: joinable() (else std::system_error, invalid_argument); not called from the
  // thread itself (else std::system_error, resource_deadlock_would_occur).
  void join();

  // request_stop() — asks the thread to finish, through its std::stop_token. Returns true if
  // this call made the request (false if it had already been made). Callable from any thread.
  bool request_stop() noexcept { return stop_.request_stop(); }
  // get_stop_source() / get_stop_token() — the source and token shared with the thread.
  [[nodiscard]] std::stop_source get_stop_source() const noexcept { return stop_; }
  [[nodiscard]] std::stop_token get_stop_token() const noexcept { return stop_.get_token(); }

  // native_handle() — the pthread_t. Precondition: joinable().
  [[nodiscard]] pthread_t native_handle() const noexcept { return handle_; }

 private:
  // start(options, state) — creates the kernel thread running state->invoke(). On success the
  // handle owns state; on failure throws creation_error and state is freed.
  void start(const thread_options& options, std::unique_ptr<detail::thread_state> state);
  // stop_and_join() — the destructor's path: request stop, join, drop any captured exception.
  void stop_and_join() noexcept;

  std::stop_source stop_{std::nostopstate};      // shared with the thread's stop_token
  pthread_t handle_{};                           // valid while state_ != nullptr
  std::unique_ptr<detail::thread_state> state_;  // see detail/thread_state.hpp: ownership
};

namespace this_thread {

// yield() — sched_yield(2): the kernel may run another ready task on this CPU (the calling
// thread goes to the back of its run queue's order).
void yield() noexcept;

// sleep_for(d) — nanosleep(2): the kernel thread leaves the run queue for at least d.
template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  std::this_thread::sleep_for(d);
}

}  // namespace this_thread

}  // namespace kernel_threads
