// bench/workloads/yield.hpp — the cheapest switch: threads that only yield.
//
// What it shows: the cost of M::yield() when another thread is ready: a trip through the
// scheduler with no channel, lock or wake-up around it. On a cooperative model each yield
// switches to the other thread; on a kernel model it is a sched_yield system call, and with two
// cores both threads may yield in parallel (the figure is then a throughput, as for any
// multicore model).
//
// How: the body spawns two threads per core the model uses (two on a one-core model, 2 x
// workers on a multicore one), so that every core always has a second thread to yield to. With
// only two threads on two workers each thread would sit alone on its worker, and its yield would
// find nobody to switch to: a measurement of an empty queue, not of a switch.
//
// Coroutine form (run_async): the same threads, each co_awaiting the model's yield.
//
// Timed: from before the first spawn to after the last join (the spawns and joins are noise
// beside threads * size yields at the default size).
// Checked: each thread yielded exactly `size` times.
// Reported: ns_per_yield (headline) = wall time x cores in use / yields — the cost of one yield
// on one core, comparable across models and with the context_switch floor; yields_per_s = the
// throughput of all cores together.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct yield {
  static constexpr std::string_view name = "yield";
  static constexpr std::string_view description =
      "two threads per core each yielding `size` times: ns per yield on one core";
  static constexpr capability requires_caps = capability::none;
  static constexpr std::uint64_t default_size = 100'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (yields per thread).
  static constexpr std::uint64_t smoke_size = 1'000;
  static constexpr std::uint64_t trace_size = 1'000;
  // run<M>(opts, size) — each of 2 x cores threads yields `size` times. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const std::size_t cores = cores_of<M>(opts, size);
    const std::size_t threads = 2 * cores;
    std::vector<std::uint64_t> counts(threads, 0);
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
          counts[t] = done;  // distinct elements: no two threads write the same one
        });
      }
      group.join_all();
      total_ns = elapsed_ns(start, bench_clock::now());
    });
    return report(cores, counts, size, total_ns);
  }

  // run_async<M>(opts, size) — run's coroutine form: each thread co_awaits M::yield().
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    const std::size_t cores = cores_of<M>(opts, size);
    const std::size_t threads = 2 * cores;
    std::vector<std::uint64_t> counts(threads, 0);
    double total_ns = 0;

    M::run(opts, [&]() -> typename M::template task<void> {
      support::async_thread_group<M> group(threads);
      const auto start = bench_clock::now();
      for (std::size_t t = 0; t < threads; ++t) {
        group.spawn([&counts, t, size]() -> typename M::template task<void> {
          std::uint64_t done = 0;
          for (std::uint64_t i = 0; i < size; ++i) {
            co_await M::yield();
            ++done;
          }
          counts[t] = done;
        });
      }
      co_await group.join_all();
      total_ns = elapsed_ns(start, bench_clock::now());
    });
    return report(cores, counts, size, total_ns);
  }

 private:
  // cores_of<M>(opts, size) — the cores the model keeps busy: its workers when it is multicore,
  // else one. Throws std::invalid_argument when size is 0.
  template <class M>
  static std::size_t cores_of(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("yield: size must be at least 1");
    return has(M::capabilities, capability::multicore) ? resolved_workers(opts) : 1;
  }

  // report(cores, counts, size, total_ns) — both forms' check (each thread yielded `size` times)
  // and sample.
  static sample report(std::size_t cores, const std::vector<std::uint64_t>& counts,
                       std::uint64_t size, double total_ns) {
    const std::size_t threads = counts.size();
    for (std::size_t t = 0; t < threads; ++t) {
      support::expect_equal("yield: yields of thread " + std::to_string(t), size, counts[t]);
    }
    const std::uint64_t yields = threads * size;
    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_yield", "ns",
                        support::per_unit(total_ns * static_cast<double>(cores), yields)),
        support::metric("yields_per_s", "yields/s", support::per_second(yields, total_ns), false),
    };
    s.note = std::to_string(threads) + " threads on " + std::to_string(cores) + " core(s)";
    s.check = "each of " + std::to_string(threads) + " threads yielded " + support::grouped(size) +
              " times";
    return s;
  }
};

}  // namespace threadlab::workloads
