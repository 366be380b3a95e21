// kernel_threads/detail/pool_task.hpp — one queued task of a thread_pool and its promise.
//
// Private to kernel_threads::thread_pool; in a header only because submit() is a template.
// A task is owned by exactly one place at a time: the submitter until it is queued, the pool's
// queue while it waits, then the worker that popped it (which runs it) or the thread that
// called shutdown(cancel) (which cancels it). Each task's promise is satisfied exactly once.
#pragma once

#include <exception>
#include <functional>
#include <future>
#include <type_traits>
#include <utility>

namespace kernel_threads::detail {

// pool_task — the type-erased interface the pool's queue holds.
class pool_task {
 public:
  pool_task() = default;
  pool_task(const pool_task&) = delete;
  pool_task& operator=(const pool_task&) = delete;
  virtual ~pool_task() = default;

  // run() — runs the callable and satisfies the promise with its result or its exception.
  // Called at most once, by a worker; never throws.
  virtual void run() noexcept = 0;
  // cancel(reason) — satisfies the promise with `reason` without running the callable.
  // Called at most once, instead of run(); never throws.
  virtual void cancel(std::exception_ptr reason) noexcept = 0;
};

// promise_task<R, F> — a task whose callable F returns R.
template <class R, class F>
class promise_task final : public pool_task {
 public:
  template <class G>
  explicit promise_task(G&& fn) : fn_(std::forward<G>(fn)) {}

  // get_future() — the future submit() returns. Called once, by the submitter, before queuing.
  std::future<R> get_future() { return promise_.get_future(); }

  void run() noexcept override {
    try {
      if constexpr (std::is_void_v<R>) {
        std::invoke(fn_);
        promise_.set_value();
      } else {
        promise_.set_value(std::invoke(fn_));
      }
    } catch (...) {
      promise_.set_exception(std::current_exception());
    }
  }

  void cancel(std::exception_ptr reason) noexcept override { promise_.set_exception(reason); }

 private:
  F fn_;
  std::promise<R> promise_;
};

}  // namespace kernel_threads::detail
