// kernel_threads/src/thread_pool.cpp — the pool's queue, its workers' loop, and shutdown.
//
// One mutex guards the queue and the phase; one condition variable wakes workers. Nothing is
// lock-free: a kernel thread that finds the queue empty sleeps in the kernel (futex) anyway, so
// a cleverer queue would save little next to the microseconds a kernel wake-up costs.
//
// Shutdown, as steps:
//   1. Under mutex_: phase_ = stopping (submit now throws pool_closed). In cancel mode, also
//      move every queued task out of the queue.
//   2. notify_all: every sleeping worker wakes.
//   3. Outside the lock, cancel the moved-out tasks (their futures throw task_cancelled).
//   4. Workers keep popping until the queue is empty — in drain mode that runs every queued
//      task; in cancel mode the queue is already empty — then return.
//   5. Join every worker. No task can be added after step 1 and each worker exits only on an
//      empty queue, so when the last join returns every task has run or been cancelled.
//
// Counting (pool_stats): under mutex_, which every counted event holds already. parked_ and
// signalled_ make an unpark a signal to a parked worker that no earlier submit signalled:
// signalled_ <= parked_ always, and a worker leaving its wait takes one signal back, so each
// park is counted as unparked at most once. The notify itself is unchanged (every submit).
#include "kernel_threads/thread_pool.hpp"

#include <cassert>
#include <exception>
#include <stdexcept>
#include <utility>

namespace kernel_threads {

namespace {
// current_pool — the pool whose worker the calling thread is; nullptr elsewhere. Set once by
// each worker at start, read only by that worker: no synchronization needed.
thread_local const thread_pool* current_pool = nullptr;
}  // namespace

pool_closed::pool_closed()
    : std::logic_error("kernel_threads::thread_pool::submit: the pool is shut down") {}

task_cancelled::task_cancelled()
    : std::runtime_error(
          "kernel_threads::thread_pool: task dropped by shutdown(cancel) before it ran") {}

thread_pool::thread_pool(unsigned workers, const pool_options& options) : worker_count_(workers) {
  if (workers == 0) {
    throw std::invalid_argument("kernel_threads::thread_pool: workers must be at least 1");
  }
  workers_.reserve(workers);
  try {
    for (unsigned i = 0; i < workers; ++i) {
      thread_options worker = options.worker;
      worker.name += '-';  // two appends: GCC 12 -Wrestrict misfires on "-" + std::to_string
      worker.name += std::to_string(i);
      workers_.emplace_back(worker, [this] { work(); });
    }
  } catch (...) {
    shutdown(shutdown_mode::drain);  // stops the workers already started; the queue is empty
    throw;
  }
}

thread_pool::~thread_pool() { shutdown(shutdown_mode::drain); }

bool thread_pool::on_worker_thread() const noexcept { return current_pool == this; }

pool_stats thread_pool::stats() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

void thread_pool::enqueue(std::unique_ptr<detail::pool_task> task) {
  {
    const std::lock_guard lock(mutex_);
    if (phase_ != phase::accepting) throw pool_closed();
    queue_.push_back(std::move(task));
    ++counts_.tasks_submitted;
    if (signalled_ < parked_) {
      ++signalled_;
      ++counts_.worker_unparks;
    }
  }
  // Notify after unlocking, so the woken worker does not block at once on mutex_.
  work_available_.notify_one();
}

std::unique_ptr<detail::pool_task> thread_pool::next_task() {
  assert(on_worker_thread() && "next_task: executed only by this pool's workers");
  std::unique_lock lock(mutex_);
  bool woken = false;
  while (queue_.empty() && phase_ != phase::stopping) {
    if (woken) ++counts_.empty_wakeups;
    ++counts_.worker_parks;
    ++parked_;
    work_available_.wait(lock);
    --parked_;
    if (signalled_ > 0) --signalled_;
    woken = true;
  }
  if (queue_.empty()) return nullptr;  // stopping, nothing left: the worker exits
  auto task = std::move(queue_.front());
  queue_.pop_front();
  return task;
}

void thread_pool::work() {
  current_pool = this;
  while (auto task = next_task()) task->run();  // run() never throws: results go to the future
}

void thread_pool::shutdown(shutdown_mode mode) {
  assert(!on_worker_thread() && "shutdown: a worker would wait for itself");
  const std::lock_guard serialize(shutdown_mutex_);
  std::deque<std::unique_ptr<detail::pool_task>> dropped;
  {
    const std::lock_guard lock(mutex_);
    phase_ = phase::stopping;
    if (mode == shutdown_mode::cancel) dropped.swap(queue_);
  }
  work_available_.notify_all();
  if (!dropped.empty()) {
    const auto reason = std::make_exception_ptr(task_cancelled());
    for (auto& task : dropped) task->cancel(reason);
  }
  for (auto& worker : workers_) worker.join();  // workers never throw: see work()
  workers_.clear();
}

}  // namespace kernel_threads
