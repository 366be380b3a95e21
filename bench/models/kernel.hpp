// bench/models/kernel.hpp — the 1:1 model: every thread of the model is its own kernel thread.
//
// Adapts kernel_threads (the module) to the contract in bench/model.hpp. Nothing is scheduled
// in user space: spawn is pthread_create, join is pthread_join, yield is sched_yield, and every
// primitive blocks in the kernel on a futex. The baseline the user-space models are measured
// against: preemptive, uses every core, a blocking system call blocks only its caller — and it
// pays microseconds and a kernel task per thread.
//
// Counters (bench/scheduler_counters.hpp): threads_spawned only, counted by kernel_threads::run
// under the census lock it takes anyway. Nothing else is scheduled in user space; the kernel's
// own per-thread figures (schedstat: run-queue waits, timeslices) die with each thread, and
// reading them at every exit would cost a file read per thread that spawn_join times, so they
// are left to tracing (--trace files them as each thread exits). The process-wide voluntary
// and involuntary context switches are already in every result (the harness's getrusage).
#pragma once

#include <pthread.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "bench/model.hpp"
#include "bench/scheduler_counters.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/kernel_bridge.hpp"
#include "detail/kernel_threads_base.hpp"
#include "kernel_threads/net.hpp"
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
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins |
                                             capability::blocking_syscalls | capability::net;
  // thread_limit — 10,000 kernel threads stay well under threads-max and RLIMIT_NPROC on a
  // stock system and reserve 80 GiB of address space (not memory: untouched stack pages are
  // never committed). Chosen, not measured: the memory workload measures the real ceiling.
  static constexpr std::uint64_t thread_limit = 10'000;

  // world_options(opts) — opts.stack_size for every thread (0: glibc's default); the body's
  // thread is named "kernel-main" and the threads it spawns inherit the name (naming each one
  // would add a system call to every spawn that spawn_join measures).
  static kernel_threads::options world_options(const run_options& opts) {
    return kernel_threads::options{.stack_size = opts.stack_size,
                                   .name = "kernel-main",
                                   .observer = nullptr,
                                   .counts = nullptr};
  }

  // footprint(opts) — per thread: the stack (opts.stack_size, else glibc's default, which is
  // the soft RLIMIT_STACK) and its guard page reserved, two mappings, one kernel task, and at
  // least a page of user stack and the kernel's 16 KiB stack resident.
  static thread_footprint footprint(const run_options& opts) {
    std::size_t stack = opts.stack_size;
    pthread_attr_t attr;
    if (stack == 0 && ::pthread_getattr_default_np(&attr) == 0) {
      ::pthread_attr_getstacksize(&attr, &stack);
      ::pthread_attr_destroy(&attr);
    }
    const std::uint64_t page = 4096;
    return thread_footprint{.reserved_bytes = stack + page,
                            .resident_bytes = page + 16 * 1024,
                            .kernel_tasks = 1,
                            .mappings = 2};
  }

  // configuration(opts) — the module's own description of world_options(opts).
  static std::string configuration(const run_options& opts) {
    return kernel_threads::describe(world_options(opts)) + "; workers ignored";
  }

  // run(opts, body) — one run: body on a fresh kernel thread, waited for with every thread it
  // spawned. With opts.trace, every thread reports created / running / blocked (in a
  // kernel_threads primitive) / terminated, and files the kernel's schedstat totals as it
  // exits: ready and running time are then the kernel's own figures, blocked time is inferred.
  // With opts.counters, the run's threads_spawned (the body's thread included) goes to it.
  template <class F>
  static void run(const run_options& opts, F&& body) {
    kernel_threads::options o = world_options(opts);
    kernel_threads::stats counted;
    if (opts.counters != nullptr) o.counts = &counted;
    std::optional<detail::kernel_bridge> bridge;
    o.observer = detail::attach_bridge(
        opts.trace,
        "kernel: ready and running observed by the kernel (schedstat: run-queue wait, time on "
        "CPU, timeslices); blocked inferred (lifetime - running - ready)",
        "kthread", bridge);
    kernel_threads::run(o, std::forward<F>(body));
    if (opts.counters != nullptr) opts.counters->add("threads_spawned", counted.threads_spawned);
  }

  // thread — a joinable kernel thread; join() rethrows what escaped fn.
  using thread = kernel_threads::thread;

  // spawn(fn) — a new kernel thread of the run, with its stack size and observer. Throws
  // kernel_threads::creation_error (naming the limit hit) when the kernel refuses.
  template <class F>
  static thread spawn(F&& fn) {
    return kernel_threads::spawn(std::forward<F>(fn));
  }

  // listener, stream, connect — blocking sockets: a thread waiting on one sleeps in the kernel.
  using listener = kernel_threads::net::listener;
  using stream = kernel_threads::net::stream;
  static stream connect(std::string_view address, std::uint16_t port,
                        net_deadline d = net_forever) {
    return kernel_threads::net::connect(address, port, d);
  }

  // yield() — sched_yield(2): the kernel may run another ready task on this CPU.
  static void yield() { kernel_threads::this_thread::yield(); }
  // sleep_for(d) — nanosleep(2): the kernel thread leaves the run queue for at least d.
  static void sleep_for(std::chrono::nanoseconds d) { kernel_threads::this_thread::sleep_for(d); }
};

static_assert(threadlab::net_model<kernel>);

}  // namespace threadlab::models
