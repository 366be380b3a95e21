// bench/workloads/idle.hpp — what a model costs when nothing happens.
//
// What it shows: whether an idle model sleeps. Threads that wait should cost no CPU: kernel
// threads sleep in the kernel, a fiber scheduler should sleep on a futex or in epoll until its
// next timer. A scheduler whose idle workers spin (Boost.Fiber's work_stealing does by default)
// burns a core each, and this is the number that says so.
//
// How: `size` threads (default 1,000) are parked, half on a channel nobody writes to until the
// end, half in M::sleep_for with their timers `sleep` away (after the measurement). Once they are
// parked, the body sleeps through `window` and measures the process's CPU time meanwhile
// (CLOCK_PROCESS_CPUTIME_ID: every kernel thread of the process). Then it closes the channel and
// joins everyone. A fixed pool parks one thread per worker (more would queue), marked scaled.
//
// Coroutine form (run_async): the same threads and sleeps, each wait a co_await.
//
// Reported: idle_cpu_percent (headline: CPU time / window, in % of one core), threads.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct idle {
  static constexpr std::string_view name = "idle";
  static constexpr std::string_view description =
      "threads parked on a channel and on timers 1 s away: the process's CPU use meanwhile";
  static constexpr capability requires_caps = capability::none;
  static constexpr std::uint64_t default_size = 1000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (threads).
  static constexpr std::uint64_t smoke_size = 10;
  static constexpr std::uint64_t trace_size = 4;
  // threads_at(size) — threads alive at once: the parked threads and the body.
  static constexpr std::uint64_t threads_at(std::uint64_t size) { return size + 1; }
  // settle — time for every thread to park; window — the measurement; sleep — the sleepers'
  // sleep, ending after the window.
  static constexpr std::chrono::milliseconds settle{50};
  static constexpr std::chrono::milliseconds window{1000};
  static constexpr std::chrono::milliseconds sleep{1200};

  // process_cpu_ns() — CPU time of every kernel thread of the process so far.
  static double process_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
  }

  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    sample s;
    const std::uint64_t threads = threads_for<M>(opts, size, s);
    double cpu_ns = 0, wall_ns = 0;
    M::run(opts, [&] {
      typename M::template channel<int> never(1);
      support::thread_group<M> group(threads);
      support::at_exit close_channel([&] { never.close(); });
      for (std::uint64_t t = 0; t < threads; ++t) {
        if (t % 2 == 0) {
          group.spawn([&never] { static_cast<void>(never.pop()); });
        } else {
          group.spawn([] { M::sleep_for(sleep); });
        }
      }
      M::sleep_for(settle);
      const double cpu0 = process_cpu_ns();
      const auto t0 = bench_clock::now();
      M::sleep_for(window);
      cpu_ns = process_cpu_ns() - cpu0;
      wall_ns = elapsed_ns(t0, bench_clock::now());
      close_channel.run_now();
      group.join_all();
    });
    return report(std::move(s), threads, cpu_ns, wall_ns);
  }

  // run_async<M>(opts, size) — run's coroutine form: the same waits, each a co_await. The
  // channel is closed before the joins on every path, as run's at_exit does.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    sample s;
    const std::uint64_t threads = threads_for<M>(opts, size, s);
    double cpu_ns = 0, wall_ns = 0;
    M::run(opts, [&]() -> task {
      typename M::template channel<int> never(1);
      support::async_thread_group<M> group(threads);
      std::exception_ptr error;
      try {
        for (std::uint64_t t = 0; t < threads; ++t) {
          if (t % 2 == 0) {
            group.spawn([&never]() -> task { static_cast<void>(co_await never.pop()); });
          } else {
            group.spawn([]() -> task { co_await M::sleep_for(sleep); });
          }
        }
        co_await M::sleep_for(settle);
        const double cpu0 = process_cpu_ns();
        const auto t0 = bench_clock::now();
        co_await M::sleep_for(window);
        cpu_ns = process_cpu_ns() - cpu0;
        wall_ns = elapsed_ns(t0, bench_clock::now());
      } catch (...) {
        error = std::current_exception();
      }
      never.close();
      co_await group.join_all();
      if (error) std::rethrow_exception(error);
    });
    return report(std::move(s), threads, cpu_ns, wall_ns);
  }

 private:
  // threads_for<M>(opts, size, s) — the threads M parks for `size`, noting in s why fewer.
  template <class M>
  static std::uint64_t threads_for(const run_options& opts, std::uint64_t size, sample& s) {
    if (size < 2) throw std::invalid_argument("idle: size must be at least 2");
    s.size = size;
    std::uint64_t threads = std::min(size, support::spawn_budget<M>(opts));
    if (!has(M::capabilities, capability::waits_on_threads)) {
      threads = std::min<std::uint64_t>(threads, resolved_workers(opts));
    }
    if (threads < size) {
      s.scaled = true;
      s.note = "scaled to " + support::grouped(threads) + " threads: " +
               (has(M::capabilities, capability::waits_on_threads)
                    ? "thread_limit " + support::grouped(M::thread_limit)
                    : std::string("a fixed pool parks one thread per worker"));
    }
    return threads;
  }

  // report(s, threads, cpu_ns, wall_ns) — both forms' metrics.
  static sample report(sample s, std::uint64_t threads, double cpu_ns, double wall_ns) {
    s.size = threads;  // what ran (scaled: fewer than asked)
    s.metrics = {
        support::metric("idle_cpu_percent", "% of a core", 100.0 * cpu_ns / wall_ns),
        support::metric("threads", "threads", static_cast<double>(threads), false),
    };
    s.check =
        support::grouped(threads) + " threads parked for " + std::to_string(window.count()) + " ms";
    return s;
  }
};

}  // namespace threadlab::workloads
