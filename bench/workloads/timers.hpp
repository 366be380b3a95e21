// bench/workloads/timers.hpp — many threads sleeping short and often: how late do they wake?
//
// What it shows: the cost and the precision of a model's timers. Kernel threads sleep in the
// kernel (hrtimers); fiber models keep their own timer queues and wake sleepers when their
// scheduler gets round to it. Users of Boost.Fiber report sleep_for(16 ms) taking 27-34 ms; this
// shows where each model stands with many sleepers at once.
//
// How: `size` threads (default 10,000) each call M::sleep_for(1 ms) 100 times, measuring each
// sleep with the steady clock. A model with a thread_limit below `size` runs fewer threads, and
// a fixed pool one per worker (the others would only queue), marked scaled.
//
// Coroutine form (run_async): the same sleepers, each sleep a `co_await M::sleep_for`.
//
// Reported: oversleep_p50_ns (headline: how much longer than asked a sleep took), oversleep_p99_ns,
// oversleep_max_ns, wakeups_per_s (every sleep of every thread over the whole run's time),
// threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct timers {
  static constexpr std::string_view name = "timers";
  static constexpr std::string_view description =
      "N threads each sleep_for(1 ms) 100 times: oversleep p50/p99/max and wake-ups per second";
  static constexpr capability requires_caps = capability::none;
  // default_size — sleeping threads.
  static constexpr std::uint64_t default_size = 10'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (threads).
  static constexpr std::uint64_t smoke_size = 20;
  static constexpr std::uint64_t trace_size = 8;
  // threads_at(size) — threads alive at once: the sleepers and the body.
  static constexpr std::uint64_t threads_at(std::uint64_t size) { return size + 1; }
  static constexpr std::chrono::milliseconds nap{1};
  static constexpr unsigned naps = 100;

  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    sample s;
    const std::uint64_t threads = threads_for<M>(opts, size, s);
    // oversleep[t * naps + k]: thread t's k-th sleep; each thread writes its own slots.
    std::vector<double> oversleep(threads * naps, 0.0);
    double elapsed = 0;
    M::run(opts, [&] {
      support::thread_group<M> group(threads);
      const auto start = bench_clock::now();
      for (std::uint64_t t = 0; t < threads; ++t) {
        double* mine = &oversleep[t * naps];
        group.spawn([mine] {
          for (unsigned k = 0; k < naps; ++k) {
            const auto t0 = bench_clock::now();
            M::sleep_for(nap);
            mine[k] = elapsed_ns(t0, bench_clock::now()) - static_cast<double>(nap.count()) * 1e6;
          }
        });
      }
      group.join_all();
      elapsed = elapsed_ns(start, bench_clock::now());
    });
    return report(std::move(s), oversleep, threads, elapsed);
  }

  // run_async<M>(opts, size) — run's coroutine form: each sleep a `co_await M::sleep_for`.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    sample s;
    const std::uint64_t threads = threads_for<M>(opts, size, s);
    std::vector<double> oversleep(threads * naps, 0.0);
    double elapsed = 0;
    M::run(opts, [&]() -> task {
      support::async_thread_group<M> group(threads);
      const auto start = bench_clock::now();
      for (std::uint64_t t = 0; t < threads; ++t) {
        double* mine = &oversleep[t * naps];
        group.spawn([mine]() -> task {
          for (unsigned k = 0; k < naps; ++k) {
            const auto t0 = bench_clock::now();
            co_await M::sleep_for(nap);
            mine[k] = elapsed_ns(t0, bench_clock::now()) - static_cast<double>(nap.count()) * 1e6;
          }
        });
      }
      co_await group.join_all();
      elapsed = elapsed_ns(start, bench_clock::now());
    });
    return report(std::move(s), oversleep, threads, elapsed);
  }

 private:
  // threads_for<M>(opts, size, s) — the sleepers M runs for `size`, noting in s why fewer.
  template <class M>
  static std::uint64_t threads_for(const run_options& opts, std::uint64_t size, sample& s) {
    if (size == 0) throw std::invalid_argument("timers: size must be at least 1");
    s.size = size;
    std::uint64_t threads = size;
    if (threads > support::spawn_budget<M>(opts)) {
      threads = support::spawn_budget<M>(opts);
      s.scaled = true;
      s.note = "scaled to " + support::grouped(threads) + " threads: thread_limit " +
               support::grouped(M::thread_limit);
    }
    // A fixed pool runs one sleeper per worker at a time; more would only queue behind them.
    if (!has(M::capabilities, capability::waits_on_threads) && threads > resolved_workers(opts)) {
      threads = resolved_workers(opts);
      s.scaled = true;
      s.note = "scaled to " + support::grouped(threads) +
               " threads: a fixed pool sleeps one thread per worker at a time";
    }
    return threads;
  }

  // report(s, oversleep, threads, elapsed) — both forms' check (no sleep shorter than asked)
  // and metrics.
  static sample report(sample s, std::vector<double>& oversleep, std::uint64_t threads,
                       double elapsed) {
    for (double o : oversleep) {
      if (o < 0) throw wrong_result("timers: a sleep_for(1 ms) returned early");
    }
    const double p50 = support::percentile(oversleep, 0.50);
    const double p99 = support::percentile(oversleep, 0.99);
    const double max = support::percentile(oversleep, 1.0);
    s.size = threads;  // what ran (scaled: fewer than asked)
    s.metrics = {
        support::metric("oversleep_p50_ns", "ns", p50),
        support::metric("oversleep_p99_ns", "ns", p99),
        support::metric("oversleep_max_ns", "ns", max),
        support::metric("wakeups_per_s", "wake-ups/s", support::per_second(threads * naps, elapsed),
                        false),
        support::metric("threads", "threads", static_cast<double>(threads), false),
    };
    s.check = support::grouped(threads * naps) + " sleeps, none shorter than asked";
    return s;
  }
};

}  // namespace threadlab::workloads
