// bench/workloads/yield.hpp — the cheapest switch: threads that only yield.
//
// What it shows: the cost of M::yield() when another thread is ready: a trip through the
// scheduler with no channel, lock or wake-up around it. On a cooperative model each yield
// switches to the other thread; on a kernel model it is a sched_yield system call, and with two
// cores both threads may yield in parallel (the figure is then a throughput, as for any
// multicore model).
//
// How: the body spawns `threads` (2) threads; each yields `size` times and counts its yields.
//
// Timed: from before the first spawn to after the last join (two spawns and joins are noise
// beside 2 * size yields at the default size).
// Checked: each thread yielded exactly `size` times.
// Reported: ns_per_yield (headline: time / (2 * size)), yields_per_s.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../model.hpp"
#include "../workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct yield {
  static constexpr std::string_view name = "yield";
  static constexpr std::string_view description =
      "two threads each yielding `size` times: ns per yield";
  static constexpr capability requires_caps = capability::none;
  static constexpr std::uint64_t default_size = 100'000;
  // threads — how many threads yield at once.
  static constexpr std::size_t threads = 2;

  // run<M>(opts, size) — each of two threads yields `size` times. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("yield: size must be at least 1");
    std::array<std::uint64_t, threads> counts{};
    double total_ns = 0;

    M::run(opts, [&] {
      support::thread_group<M> group(threads);
      const auto start = bench_clock::now();
      for (std::size_t t = 0; t < threads; ++t) {
        group.spawn([&counts, t, size] {
          std::uint64_t done = 0;
          for (std::uint64_t i = 0; i < size; ++i) {
            M::yield();
            ++done;
          }
          counts[t] = done;
        });
      }
      group.join_all();
      total_ns = elapsed_ns(start, bench_clock::now());
    });

    for (std::size_t t = 0; t < threads; ++t) {
      support::expect_equal("yield: yields of thread " + std::to_string(t), size, counts[t]);
    }
    const std::uint64_t yields = threads * size;
    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_yield", "ns", support::per_unit(total_ns, yields)),
        support::metric("yields_per_s", "yields/s", support::per_second(yields, total_ns), false),
    };
    s.check = "each of " + std::to_string(threads) + " threads yielded " +
              support::grouped(size) + " times";
    return s;
  }
};

}  // namespace threadlab::workloads
