// coroutines/task.hpp — task<T>: a lazy, move-only coroutine that produces a T (or nothing, for
// task<void>) when co_awaited.
//
// A task does nothing until it is co_awaited (or spawned: thread.hpp). `co_await t` starts it
// and suspends the awaiting coroutine; when the task finishes, its final suspension resumes the
// awaiting coroutine by symmetric transfer (await_suspend returns the handle to resume, which the
// compiler turns into a tail call), so a chain of a million nested or consecutive co_awaits
// runs in constant stack. An exception escaping the task is rethrown by the co_await.
//
// Frames come from the frame pool (detail/frame_pool.hpp), which counts the sizes the compiler
// asked for (stats::frame_bytes, stats::largest_frame). A frame does not record its own size:
// every word of it is paid by every suspended thread.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "detail/frame_pool.hpp"
#include "detail/thread_control.hpp"

namespace coroutines {

template <class T = void>
class task;

namespace detail {

// finish_thread(t) — the outermost task of thread t has finished (thread.cpp): publish its end to
// the joiner and drop the thread's reference. It may free the frame it is called from.
void finish_thread(thread_control* t) noexcept;

// promise_base — what every task's promise holds besides its result.
struct promise_base : pooled {
  // link — the coroutine awaiting this task, or, on a thread's outermost task, the thread's
  // control block with the low bit set (spawn): never both, so one word holds either (a word
  // less in every frame: memory per parked thread is what stackless threads are chosen for).
  std::uintptr_t link = 0;
  void set_continuation(std::coroutine_handle<> h) noexcept {
    link = reinterpret_cast<std::uintptr_t>(h.address());
  }
  void set_thread(thread_control* t) noexcept { link = reinterpret_cast<std::uintptr_t>(t) | 1; }
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      const std::uintptr_t link = self.promise().link;
      if ((link & 1) == 0) {  // symmetric transfer: a tail call
        return std::coroutine_handle<>::from_address(reinterpret_cast<void*>(link));
      }
      // may free this frame: nothing of it is touched after
      finish_thread(reinterpret_cast<thread_control*>(link & ~std::uintptr_t{1}));
      return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }

 protected:
  void rethrow_error() const {
    if (error) std::rethrow_exception(error);
  }
};

template <class T>
struct promise : promise_base {
  std::optional<T> value;
  task<T> get_return_object() noexcept;
  template <class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
  // result() — the value, or the exception rethrown. Moves the value out: called once.
  T result() {
    rethrow_error();
    return std::move(*value);
  }
};

template <>
struct promise<void> : promise_base {
  task<void> get_return_object() noexcept;
  void return_void() const noexcept {}
  void result() const { rethrow_error(); }
};

template <class T>
struct spawned;

}  // namespace detail

template <class T>
class [[nodiscard]] task {
  static_assert(std::is_void_v<T> || std::is_object_v<T>, "task<T>: T must be void or an object");

 public:
  using promise_type = detail::promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;

  task() noexcept = default;
  task(task&& other) noexcept : frame_(std::exchange(other.frame_, nullptr)) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (frame_) frame_.destroy();
      frame_ = std::exchange(other.frame_, nullptr);
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  // ~task — destroys the frame: a task never awaited never runs.
  ~task() {
    if (frame_) frame_.destroy();
  }

  // valid() — false for a default-constructed or moved-from task.
  bool valid() const noexcept { return static_cast<bool>(frame_); }

  // awaiter — what `co_await t` does: start t, suspending the awaiter, and resume the awaiter
  // with t's result (or its exception) when t finishes.
  class awaiter {
   public:
    explicit awaiter(handle_type frame) noexcept : frame_(frame) {}
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      frame_.promise().set_continuation(awaiting);
      return frame_;  // symmetric transfer into the task
    }
    T await_resume() { return frame_.promise().result(); }

   private:
    handle_type frame_;
  };

  // co_await t / co_await std::move(t) — precondition: valid(), and t was never awaited.
  awaiter operator co_await() & noexcept { return awaiter(frame_); }
  awaiter operator co_await() && noexcept { return awaiter(frame_); }

 private:
  friend promise_type;
  template <class>
  friend struct detail::spawned;
  explicit task(handle_type frame) noexcept : frame_(frame) {}
  handle_type frame_;
};

namespace detail {
template <class T>
task<T> promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<promise<T>>::from_promise(*this));
}
inline task<void> promise<void>::get_return_object() noexcept {
  return task<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace coroutines
