// bench/models/tbb.hpp — the peer "oneTBB task_group": threads of the model are tasks of Intel's
// (now UXL's) Threading Building Blocks, the task library C++ users reach for first.
//
// A thread of the model is a tbb::task_group holding one task: spawn = group.run(fn), join =
// group.wait(). The tasks run on opts.workers TBB worker threads, which steal from each other,
// in a tbb::task_arena that also reserves a slot for the body's kernel thread. So, as with
// kernel_pool, the body may wait on a task in any way and the workers still run it; and when the
// body joins, it runs tasks too meanwhile (up to workers + 1 kernel threads run tasks then).
//
// What makes it different from a fixed pool (kernel_pool): a join does not just block. While
// the joined task has not finished, wait() runs other tasks on the joining kernel thread: the
// joined task itself if no worker has taken it yet, or any other queued task. So fork-join
// programs (a node spawns children and joins them, to any depth: skynet) never deadlock: this
// model has capability::nested_joins. But a task that waits in any other way (a channel pop, a
// condition wait, a mutex held by a task queued behind it) holds its kernel thread like a pool
// task does, and once every worker waits so, nothing runs the waker. Hence no
// waits_on_threads: pingpong, ring, pipeline and the rest are skipped, with that reason.
// mutex, condition_variable and channel come from kernel_threads (blocking, futex-based), as
// for kernel_pool; TBB has mutexes but no condition variable or channel of its own.
//
// Stacks: a task runs on the stack of the kernel thread that picks it up, and a join that runs
// other tasks nests them on the joiner's stack. TBB's worker threads get `stack_size` bytes
// (tbb::global_control::thread_stack_size; default 4 MiB on 64-bit Linux, TBB's own).
//
// Not counted: TBB publishes no scheduler statistics (steals, parks), so the report has no
// scheduler counters for this model. Traced: each task as a thread, as kernel_pool does.
#pragma once

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <oneapi/tbb/version.h>

#include <cassert>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "bench/model.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/kernel_bridge.hpp"
#include "detail/kernel_threads_base.hpp"
#include "detail/traced_task.hpp"
#include "kernel_threads/thread.hpp"

namespace threadlab::models {

// onetbb — named so that it does not hide namespace ::tbb; its model name is "tbb".
struct onetbb : detail::kernel_threads_base {
  static constexpr std::string_view name = "tbb";
  static constexpr std::string_view description =
      "oneTBB task_group - spawned threads are tasks; a join runs other tasks while it waits";
  // nested_joins: wait() runs queued tasks (see the file comment). No waits_on_threads: any
  // other wait holds a worker. No many_threads: a blocked task holds a kernel thread. No
  // blocking_syscalls: a task blocked in the kernel holds its worker (TBB has no hand-off).
  static constexpr capability capabilities = capability::multicore | capability::nested_joins;
  // thread_limit — a queued task and its task_group cost about 300 bytes, and a join runs the
  // queued ones, so skynet's full tree (1,111,111 threads) fits as on hybrid. Chosen: the same
  // budget as hybrid's, so both run the same sizes.
  static constexpr std::uint64_t thread_limit = 2'000'000;

  // configuration(opts) — the workers, the stack size and the library's version.
  static std::string configuration(const run_options& opts) {
    return std::to_string(threadlab::resolved_workers(opts)) +
           " TBB workers and a slot for the body's thread (it runs tasks while it joins), work "
           "stealing; " +
           (opts.stack_size != 0 ? std::to_string(opts.stack_size / 1024) + " KiB"
                                 : std::string("TBB's default")) +
           " worker stacks; oneTBB " + TBB_VERSION_STRING;
  }

  // run(opts, body) — an arena of opts.workers worker slots and one for the calling kernel
  // thread, which runs body inside it (global_control allows that many threads: by default TBB
  // caps them at the core count). The contract's joins leave nothing running when body returns.
  template <class F>
  static void run(const run_options& opts, F&& body) {
    std::optional<detail::kernel_bridge> bridge;
    observer_ = detail::attach_bridge(
        opts.trace,
        "tbb: tasks traced as threads by the adapter: queued (new, counted as ready) until a "
        "kernel thread starts them, blocked only inside kernel_threads primitives (a join that "
        "runs other tasks is not a wait); no kernel accounting",
        "task", bridge);
    struct forget_observer {
      ~forget_observer() { observer_ = nullptr; }
    } forget_on_exit;
    const unsigned workers = threadlab::resolved_workers(opts);
    ::tbb::global_control threads(::tbb::global_control::max_allowed_parallelism,
                                  std::size_t{workers} + 1);
    std::optional<::tbb::global_control> stacks;
    if (opts.stack_size != 0) {
      stacks.emplace(::tbb::global_control::thread_stack_size, opts.stack_size);
    }
    ::tbb::task_arena arena(static_cast<int>(workers) + 1, /*reserved_for_masters=*/1);
    arena.execute([&] { std::forward<F>(body)(); });
  }

  // thread — the task_group that holds one task, and the stop state it shares with the task.
  class thread {
   public:
    thread() = default;
    thread(std::unique_ptr<::tbb::task_group> group, std::stop_source stop)
        : group_(std::move(group)), stop_(std::move(stop)) {}
    // join() — waits for the task, running other tasks meanwhile; rethrows its exception.
    // Precondition: not yet joined.
    void join() {
      assert(group_ && "tbb::thread::join: not joinable");
      group_->wait();
      group_.reset();
    }
    // request_stop() — triggers the std::stop_token a task that takes one received; false
    // when it takes none or a stop was already requested.
    bool request_stop() noexcept { return stop_.request_stop(); }

   private:
    std::unique_ptr<::tbb::task_group> group_;
    std::stop_source stop_{std::nostopstate};
  };

  // spawn(fn) — fn() (or fn(stop_token)) as the one task of a new task_group; fn's result, if
  // any, is discarded. Precondition: called inside run(), from body or from a task.
  template <class F>
  static thread spawn(F&& fn) {
    std::stop_source stop = detail::stop_source_for<std::decay_t<F>>();
    auto group = std::make_unique<::tbb::task_group>();
    group->run(detail::make_traced_task(std::forward<F>(fn), stop, observer_));
    return thread(std::move(group), std::move(stop));
  }

  // yield() — sched_yield(2); the kernel thread stays with this task.
  static void yield() { std::this_thread::yield(); }
  // sleep_for(d) — nanosleep(2); the kernel thread sleeps with the task.
  static void sleep_for(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }

 private:
  // observer_ — the run's tracer bridge, or nullptr when not tracing. Written by run() before
  // the arena exists and after it is gone; read by spawn() inside the run.
  static inline kernel_threads::observer* observer_ = nullptr;
};

}  // namespace threadlab::models
