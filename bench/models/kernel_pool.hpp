// bench/models/kernel_pool.hpp — the peer "kernel thread pool": threads of the model are tasks
// on a fixed pool of kernel threads.
//
// What a careful C++ programmer writes instead of one kernel thread per task: opts.workers
// kernel threads created once, and spawn = submit a closure. Creation is cheap (a queue push);
// but a task occupies its worker until it returns, blocking included.
//
// Deadlock warning: a task that blocks on another task (joins it, pops a channel that task
// fills, waits on a condition it sets) holds its worker while waiting. Once every worker is
// held that way, no worker is left to run the task they wait for, and the run deadlocks. That is
// why this model lacks capability::waits_on_threads, and the runner skips workloads that need
// it (skynet, pingpong, ...). body itself runs on the caller's kernel thread, outside the pool,
// so body may wait on tasks.
//
// Counters (bench/scheduler_counters.hpp), from the pool (kernel_threads::pool_stats, counted
// under the queue's lock it takes anyway): tasks_submitted (spawns, and the reactor's batches
// under serve: every task queued; the pool has one shared queue, so no local_pushes),
// worker_parks (a worker's waits on the queue's condition variable), worker_unparks (submits
// that signalled a parked worker: at most one per park) and empty_wakeups (wake-ups that found
// the queue empty). No per-thread kernel figures, for the reason kernel.hpp gives; the
// process's context switches are already in every result.
#pragma once

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "bench/model.hpp"
#include "bench/scheduler_counters.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/kernel_bridge.hpp"
#include "detail/kernel_threads_base.hpp"
#include "detail/traced_task.hpp"
#include "kernel_threads/net.hpp"
#include "kernel_threads/reactor.hpp"
#include "kernel_threads/thread.hpp"
#include "kernel_threads/thread_pool.hpp"

namespace threadlab::models {

// kernel_pool — threads of the model are tasks on a fixed pool of kernel threads. The primitive
// types come from detail::kernel_threads_base, shared with kernel.
struct kernel_pool : detail::kernel_threads_base {
  static constexpr std::string_view name = "kernel_pool";
  static constexpr std::string_view description =
      "kernel thread pool - spawned threads are tasks on a fixed set of kernel workers";
  // No waits_on_threads: with every worker blocked on another task, nothing runs the waker.
  // No many_threads: queued tasks are cheap, but a blocked task holds a whole kernel thread.
  // net: blocking sockets from kernel_threads, and a server of its own (serve: a reactor).
  static constexpr capability capabilities =
      capability::multicore | capability::blocking_syscalls | capability::net;
  // thread_limit — queued tasks cost one small allocation each; 10,000 matches `kernel` so
  // both 1:1 variants run the same sizes. Chosen, not measured.
  static constexpr std::uint64_t thread_limit = 10'000;

  // configuration(opts) — the worker count, stack size and queue policy.
  static std::string configuration(const run_options& opts) {
    return std::to_string(threadlab::resolved_workers(opts)) +
           " kernel workers, one FIFO queue (mutex + condition variable); " +
           kernel_threads::describe_stack(opts.stack_size) + "; body runs on the caller's thread";
  }

  // run(opts, body) — creates the pool, runs body on the calling kernel thread, then shuts the
  // pool down in drain mode (every queued task runs first). Rethrows what escaped body.
  // With opts.trace, each task is traced as a thread: new at spawn (queued), running when a
  // worker starts it, blocked in kernel_threads primitives, terminated when it returns. With
  // opts.counters, the pool's counts (see the file comment) go to it once body has returned
  // and the pool has drained.
  template <class F>
  static void run(const run_options& opts, F&& body) {
    std::optional<detail::kernel_bridge> bridge;
    // Before the pool exists; reset after its joins.
    observer_ = detail::attach_bridge(
        opts.trace,
        "kernel_pool: tasks traced as threads by the adapter: queued (new, counted as ready) "
        "until a worker starts them, blocked only inside kernel_threads primitives; no kernel "
        "accounting (a worker is not its task)",
        "task", bridge);
    struct forget_observer {
      ~forget_observer() { observer_ = nullptr; }
    } forget_on_exit;
    kernel_threads::thread_pool pool(
        threadlab::resolved_workers(opts),
        kernel_threads::pool_options{.worker = {.stack_size = opts.stack_size, .name = "kpool"}});
    pool_ = &pool;  // submit() orders this write before every task's read (pool's mutex)
    struct reset {
      kernel_threads::thread_pool& pool;
      ~reset() {
        pool.shutdown(kernel_threads::shutdown_mode::drain);
        pool_ = nullptr;  // after the workers are joined: no task reads it any more
      }
    } shutdown_on_exit{pool};
    std::forward<F>(body)();
    if (opts.counters != nullptr) {
      pool.shutdown(kernel_threads::shutdown_mode::drain);  // counts final; reset's is a no-op
      report_counters(pool.stats(), *opts.counters);
    }
  }

  // report_counters(s, to) — the pool's counts under the names bench/scheduler_counters.hpp
  // lists for kernel_pool.
  static void report_counters(const kernel_threads::pool_stats& s, scheduler_counters& to) {
    to.add("tasks_submitted", s.tasks_submitted);
    to.add("worker_parks", s.worker_parks);
    to.add("worker_unparks", s.worker_unparks);
    to.add("empty_wakeups", s.empty_wakeups);
  }

  // thread — the future of a task, and the stop state it shares with the task; join() waits
  // for it and rethrows what escaped fn.
  class thread {
   public:
    thread() = default;
    thread(std::future<void> done, std::stop_source stop)
        : done_(std::move(done)), stop_(std::move(stop)) {}
    // join() — waits for the task; rethrows its exception. Precondition: not yet joined.
    // From a task, this holds the caller's worker while waiting (see the deadlock warning).
    void join() { done_.get(); }
    // request_stop() — triggers the std::stop_token a task that takes one received; false
    // when it takes none or a stop was already requested.
    bool request_stop() noexcept { return stop_.request_stop(); }

   private:
    std::future<void> done_;
    std::stop_source stop_{std::nostopstate};
  };

  // spawn(fn) — queues fn() (or fn(stop_token) when fn takes one) on the pool; fn's result, if
  // any, is discarded. Precondition: called inside run(), from body or from a task.
  template <class F>
  static thread spawn(F&& fn) {
    assert(pool_ != nullptr && "kernel_pool::spawn: called outside kernel_pool::run");
    std::stop_source stop = detail::stop_source_for<std::decay_t<F>>();
    auto done = pool_->submit(detail::make_traced_task(std::forward<F>(fn), stop, observer_));
    return thread(std::move(done), std::move(stop));
  }

  // listener, stream, connect — kernel_threads' blocking sockets (a task waiting on one holds
  // its worker: see serve).
  using listener = kernel_threads::net::listener;
  using stream = kernel_threads::net::stream;
  static stream connect(std::string_view address, std::uint16_t port,
                        net_deadline d = net_forever) {
    return kernel_threads::net::connect(address, port, d);
  }

  // serve(l, new_protocol, accepted) — the pool's way to serve many connections: a reactor
  // thread waits in epoll for every idle connection and hands the ready ones to the pool, one
  // batch of input per task (kernel_threads/reactor.hpp). A thread per connection would hold a
  // worker per connection: `workers` connections at a time. Precondition: inside run().
  template <class NewProtocol>
  static auto serve(listener& l, NewProtocol new_protocol, std::atomic<std::uint64_t>& accepted) {
    assert(pool_ != nullptr && "kernel_pool::serve: called outside kernel_pool::run");
    return std::make_unique<kernel_threads::reactor_server<NewProtocol>>(
        l, *pool_, std::move(new_protocol),
        [&accepted] { accepted.fetch_add(1, std::memory_order_relaxed); });
  }

  // yield() — sched_yield(2); the worker stays with this task.
  static void yield() { std::this_thread::yield(); }
  // sleep_for(d) — nanosleep(2); the worker sleeps with the task (it cannot run another).
  static void sleep_for(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }

 private:
  // pool_ — the pool of the current run; nullptr outside run(). Runs do not nest or overlap.
  static inline kernel_threads::thread_pool* pool_ = nullptr;
  // observer_ — the run's tracer bridge, or nullptr when not tracing. Written by run() before
  // the pool exists and after its workers are joined; read by spawn() inside the run.
  static inline kernel_threads::observer* observer_ = nullptr;
};

static_assert(threadlab::net_model<kernel_pool>);

}  // namespace threadlab::models
