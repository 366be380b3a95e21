// kernel_threads/thread_pool.hpp — a fixed set of kernel threads running submitted tasks.
//
// The pool is the 1:1 model's answer to "a kernel thread costs microseconds to create": create
// a few once, then hand them closures. It adds one FIFO queue in front of the kernel's
// scheduler; it does not schedule anything itself (see src/scheduler.cpp).
//
// Guarantees, in user terms:
//   - Everything the submitter did before submit() happens-before the task runs; everything the
//     task did happens-before the returned future becomes ready.
//   - Tasks start in submission order (one FIFO queue), on any worker; with several workers
//     they may run, and finish, in any order.
//   - A task's result or escaping exception reaches its future. A task dropped by
//     shutdown(cancel) never runs and its future throws task_cancelled.
//   - Every submitted task either runs or is cancelled: none is lost.
//
// Beware: a task that blocks waiting for another task of the same pool (its future, a channel
// it fills, a condition it sets) can deadlock: once every worker is blocked that way, no worker
// is left to run the task they wait for.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/pool_task.hpp"
#include "thread.hpp"

namespace kernel_threads {

// shutdown_mode — what shutdown() does with tasks still queued.
enum class shutdown_mode {
  drain,   // run every queued task, then stop the workers
  cancel,  // drop queued tasks (their futures throw task_cancelled), let running ones finish
};

// pool_closed — thrown by submit() once shutdown() has begun.
class pool_closed : public std::logic_error {
 public:
  pool_closed();
};

// task_cancelled — the exception a future reports when shutdown(cancel) dropped its task
// before it ran.
class task_cancelled : public std::runtime_error {
 public:
  task_cancelled();
};

// pool_stats — what a pool counted since it was created. Each count is one increment made under
// the lock the pool takes for the event anyway (no counter of its own to share).
struct pool_stats {
  std::uint64_t tasks_submitted = 0;  // tasks queued by submit()
  std::uint64_t worker_parks = 0;     // waits of a worker on the condition variable (queue empty)
  // worker_unparks — submits that signalled a parked worker not yet signalled: at most one
  // per park, so worker_unparks <= worker_parks. (Shutdown's notify_all is not counted.)
  std::uint64_t worker_unparks = 0;
  // empty_wakeups — wake-ups after which the worker found the queue empty and parked again
  // (another worker took the task first, or a spurious wake-up).
  std::uint64_t empty_wakeups = 0;
};

// pool_options — how a pool's workers are created.
struct pool_options {
  // worker — each worker's stack size and name; the name gets "-<index>" appended (and is then
  // truncated to 15 bytes, see thread_options::name). Default name: "pool".
  thread_options worker{.stack_size = 0, .name = "pool"};
};

// thread_pool — `workers` kernel threads taking tasks from one FIFO queue. Not movable (the
// workers point at it). All member functions may be called from any thread, except where noted.
class thread_pool {
 public:
  // thread_pool(workers, options) — starts `workers` kernel threads.
  // Precondition: workers >= 1 (else std::invalid_argument). Throws creation_error if a worker
  // cannot be created (the ones already started are stopped first).
  explicit thread_pool(unsigned workers, const pool_options& options = {});

  // ~thread_pool() — shutdown(shutdown_mode::drain): every queued task runs first.
  // Precondition: not called from one of this pool's workers.
  ~thread_pool();

  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  // submit(fn) — queues fn() and returns the future of its result. fn is moved/copied into the
  // queue. Throws pool_closed once shutdown() has begun (fn is then never run).
  template <class F>
  auto submit(F&& fn) -> std::future<std::invoke_result_t<std::decay_t<F>&>> {
    using result = std::invoke_result_t<std::decay_t<F>&>;
    auto task =
        std::make_unique<detail::promise_task<result, std::decay_t<F>>>(std::forward<F>(fn));
    auto future = task->get_future();
    enqueue(std::move(task));
    return future;
  }

  // shutdown(mode) — stops accepting tasks, disposes of queued ones according to mode, and
  // waits for every worker to finish (tasks already running always run to completion: kernel
  // threads cannot be interrupted safely). Idempotent: a later call, in any mode, only waits
  // for the first to complete.
  // Precondition: not called from one of this pool's workers (it would wait for itself).
  void shutdown(shutdown_mode mode);

  // size() — the number of workers the pool was created with.
  [[nodiscard]] unsigned size() const noexcept { return worker_count_; }

  // stats() — the counts so far (final once shutdown() has returned).
  [[nodiscard]] pool_stats stats() const;

  // on_worker_thread() — true when the caller is one of this pool's workers.
  [[nodiscard]] bool on_worker_thread() const noexcept;

 private:
  enum class phase { accepting, stopping };

  // enqueue(task) — appends task and wakes one worker; throws pool_closed when stopping.
  void enqueue(std::unique_ptr<detail::pool_task> task);
  // work() — a worker's loop: take the oldest task, run it; return once stopping and empty.
  void work();
  // next_task() — blocks until there is a task (returned) or the pool is stopping with an empty
  // queue (nullptr). Executed only by workers.
  std::unique_ptr<detail::pool_task> next_task();

  const unsigned worker_count_;

  mutable std::mutex mutex_;                // guards queue_, phase_ and the counts below
  std::condition_variable work_available_;  // workers wait: queue non-empty or stopping
  std::deque<std::unique_ptr<detail::pool_task>> queue_;  // written under mutex_
  phase phase_ = phase::accepting;                        // written under mutex_
  unsigned parked_ = 0;     // workers inside work_available_.wait; guarded by mutex_
  unsigned signalled_ = 0;  // of those, signalled by a counted unpark; guarded by mutex_
  pool_stats counts_;       // guarded by mutex_

  std::mutex shutdown_mutex_;    // serializes shutdown(); held while joining the workers
  std::vector<thread> workers_;  // written by the constructor and under shutdown_mutex_
};

}  // namespace kernel_threads
