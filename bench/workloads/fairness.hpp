// bench/workloads/fairness.hpp — CPU hogs beside a thread that wants to run every millisecond.
//
// What it shows: what a model does with threads that compute without ever yielding. The kernel
// preempts 1:1 threads, so the ticker gets a core within a time slice. A cooperative model
// without preemption never takes the core back: on N:1 the ticker does not run at all while a
// hog does, on M:N it waits unless another worker is free (or the scheduler hands the hogs'
// workers off, as hybrid's monitor does).
//
// How: `size` hogs per worker (default 2; resolved workers) run tight arithmetic loops that
// never yield, and one ticker sleeps 1 ms (M::sleep_for) in a loop, for `window`. Every thread
// stops at the deadline, whatever happens: a hog checks the clock every few microseconds of
// work, the ticker after each sleep. The ticker is spawned first, then the hogs.
//
// Timed: each tick's lateness (how much longer than 1 ms its sleep took), and the hogs' work.
// A ticker that never ran within the window is not an error: the run reports its one late tick
// (it wakes when the hogs stop) and the note says "starved: 0 ticks in 2 s".
// Reported: tick_lateness_p99_ns (headline), tick_lateness_p50_ns, tick_lateness_max_ns,
// ticks, hog_steps_per_s (all hogs' busy_work steps per second), hogs.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct fairness {
  static constexpr std::string_view name = "fairness";
  static constexpr std::string_view description =
      "CPU hogs that never yield, 2 per worker, beside a 1 ms ticker: the ticker's p99 lateness";
  static constexpr capability requires_caps = capability::none;
  // default_size — hogs per worker.
  static constexpr std::uint64_t default_size = 2;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (hogs per worker).
  static constexpr std::uint64_t smoke_size = 1;
  static constexpr std::uint64_t trace_size = 1;
  // window — how long hogs and ticker run.
  static constexpr std::chrono::milliseconds window{2000};
  // tick — the ticker's sleep.
  static constexpr std::chrono::milliseconds tick{1};
  // hog_batch — busy_work steps between two looks at the clock (a few µs).
  static constexpr std::uint64_t hog_batch = 2000;

  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("fairness: size must be at least 1");
    sample s;
    std::uint64_t hogs = size * resolved_workers(opts);
    if (const std::uint64_t budget = support::thread_budget<M>(opts); hogs + 2 > budget) {
      hogs = budget > 2 ? budget - 2 : 1;
      size = std::max<std::uint64_t>(1, hogs / resolved_workers(opts));
      s.scaled = true;
      s.note = "scaled to " + support::grouped(hogs) + " hogs: thread_limit " +
               support::grouped(M::thread_limit);
    }
    s.size = size;
    std::vector<double> lateness;  // written by the ticker only
    lateness.reserve(static_cast<std::size_t>(window / tick) + 16);
    std::uint64_t ticks_in_window = 0;
    std::atomic<std::uint64_t> hog_steps{0}, sink{0};
    double elapsed = 0;

    M::run(opts, [&] {
      support::thread_group<M> group(hogs + 1);
      const auto start = bench_clock::now();
      const auto deadline = start + window;
      group.spawn([&, deadline] {
        for (;;) {
          const auto t0 = bench_clock::now();
          if (t0 >= deadline) break;
          M::sleep_for(tick);
          const auto t1 = bench_clock::now();
          lateness.push_back(elapsed_ns(t0, t1) - static_cast<double>(tick.count()) * 1e6);
          if (t1 <= deadline) ++ticks_in_window;
        }
      });
      for (std::uint64_t h = 0; h < hogs; ++h) {
        group.spawn([&, deadline, h] {
          std::uint64_t x = h + 1, steps = 0;
          while (bench_clock::now() < deadline) {
            x = support::busy_work(x, hog_batch);
            steps += hog_batch;
          }
          hog_steps.fetch_add(steps, std::memory_order_relaxed);
          sink.fetch_add(x, std::memory_order_relaxed);
        });
      }
      group.join_all();
      elapsed = elapsed_ns(start, bench_clock::now());
    });

    if (lateness.empty()) throw wrong_result("fairness: the ticker never completed a sleep");
    const auto ticks = static_cast<double>(lateness.size());
    const double p99 = support::percentile(lateness, 0.99);
    const double p50 = support::percentile(lateness, 0.50);
    const double max = support::percentile(lateness, 1.0);
    if (ticks_in_window == 0) {
      s.note += std::string(s.note.empty() ? "" : "; ") + "starved: 0 ticks in " +
                std::to_string(window.count() / 1000) + " s";
    }
    s.metrics = {
        support::metric("tick_lateness_p99_ns", "ns", p99),
        support::metric("tick_lateness_p50_ns", "ns", p50),
        support::metric("tick_lateness_max_ns", "ns", max),
        support::metric("ticks", "ticks", static_cast<double>(ticks_in_window), false),
        support::metric("hog_steps_per_s", "steps/s",
                        support::per_second(hog_steps.load(), elapsed), false),
        support::metric("hogs", "threads", static_cast<double>(hogs), false),
    };
    s.check = support::grouped(ticks_in_window) + " ticks within the window (" +
              support::grouped(static_cast<std::uint64_t>(ticks)) + " in all), " +
              support::grouped(hogs) + " hogs";
    return s;
  }
};

}  // namespace threadlab::workloads
