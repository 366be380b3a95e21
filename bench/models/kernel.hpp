// bench/models/kernel.hpp — the 1:1 model: every thread of the model is its own kernel thread.
//
// Adapts kernel_threads (the module) to the contract in bench/model.hpp. Nothing is scheduled
// in user space: spawn is pthread_create, join is pthread_join, yield is sched_yield, and every
// primitive blocks in the kernel on a futex. The baseline the user-space models are measured
// against: preemptive, uses every core, a blocking system call blocks only its caller — and it
// pays microseconds and a kernel task per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "bench/model.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/kernel_bridge.hpp"
#include "detail/kernel_threads_base.hpp"
#include "kernel_threads/runtime.hpp"
#include "kernel_threads/thread.hpp"

namespace threadlab::models {

// kernel — one kernel thread per thread of the model (1:1). The primitive types come from
// detail::kernel_threads_base, shared with kernel_pool.
struct kernel : detail::kernel_threads_base {
  static constexpr std::string_view name = "kernel";
  static constexpr std::string_view description =
      "1:1 - one kernel thread per thread (pthread_create; the kernel schedules)";
  // Not many_threads: each thread is a kernel task with its own reserved stack.
  static constexpr capability capabilities =
      capability::multicore | capability::waits_on_threads | capability::blocking_syscalls;
  // thread_limit — 10,000 kernel threads stay well under threads-max and RLIMIT_NPROC on a
  // stock system and reserve 80 GiB of address space (not memory: untouched stack pages are
  // never committed). Chosen, not measured: the memory workload measures the real ceiling.
  static constexpr std::uint64_t thread_limit = 10'000;

  // configuration(opts) — stack size and the one-kernel-thread-per-thread policy.
  static std::string configuration(const run_options& opts) {
    return "one kernel thread per thread; " + describe_stack(opts) +
           ", committed on touch; scheduled by the kernel (CFS); workers ignored";
  }

  // run(opts, body) — runs body on a fresh kernel thread named "kernel-main" and waits for it.
  // Threads spawned from body inherit that name (the kernel copies it on clone); naming each
  // one would add a system call to every spawn that spawn_join measures.
  // With opts.trace, every thread reports new / running / blocked (in a kernel_threads
  // primitive) / terminated, and files the kernel's schedstat totals as it exits: ready and
  // running time are then the kernel's own figures, blocked time is inferred.
  template <class F>
  static void run(const run_options& opts, F&& body) {
    std::optional<detail::kernel_bridge> bridge;
    // Both before any thread of this run exists: see stack_size_.
    observer_ = detail::attach_bridge(
        opts.trace,
        "kernel: ready and running observed by the kernel (schedstat: run-queue wait, time on "
        "CPU, timeslices); blocked inferred (lifetime - running - ready)",
        "kthread", bridge);
    stack_size_ = opts.stack_size;
    struct reset {
      ~reset() {
        stack_size_ = 0;
        observer_ = nullptr;
      }
    } reset_on_exit;
    kernel_threads::run(
        kernel_threads::thread_options{
            .stack_size = opts.stack_size, .name = "kernel-main", .observer = observer_},
        std::forward<F>(body));
  }

  // thread — a joinable kernel thread; join() rethrows what escaped fn.
  class thread {
   public:
    thread() = default;
    explicit thread(kernel_threads::thread t) : thread_(std::move(t)) {}
    // join() — waits for the thread; rethrows its exception. Precondition: not yet joined.
    void join() { thread_.join(); }

   private:
    kernel_threads::thread thread_;
  };

  // spawn(fn) — a new kernel thread running fn(), with run's stack size. Throws
  // kernel_threads::creation_error (naming the limit hit) when the kernel refuses.
  template <class F>
  static thread spawn(F&& fn) {
    return thread(kernel_threads::thread(
        kernel_threads::thread_options{
            .stack_size = stack_size_, .name = {}, .observer = observer_},
        std::forward<F>(fn)));
  }

  // yield() — sched_yield(2): the kernel may run another ready task on this CPU.
  static void yield() { std::this_thread::yield(); }
  // sleep_for(d) — nanosleep(2): the kernel thread leaves the run queue for at least d.
  static void sleep_for(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }

 private:
  // stack_size_ — opts.stack_size of the current run (0: glibc's default). Written by run()
  // before it creates the run's first thread and reset after joining it; read by spawn() on
  // threads of the run. pthread_create and pthread_join order those accesses, so a plain
  // variable is race-free given that runs do not nest or overlap (bench/model.hpp).
  static inline std::size_t stack_size_ = 0;
  // observer_ — the run's tracer bridge, or nullptr when not tracing; written and read exactly
  // as stack_size_.
  static inline kernel_threads::observer* observer_ = nullptr;
};

static_assert(threadlab::model<kernel>);

}  // namespace threadlab::models
