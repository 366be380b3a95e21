// bench/workloads/blocking_io.hpp — threads that block in the kernel beside threads that
// compute: does one stall the other?
//
// What it shows: what a model does when a thread makes a blocking system call. 1:1 threads
// block alone: the kernel runs the others. An N:1 model stops whole (the call blocks its one
// kernel thread). An M:N model loses a worker per blocked thread unless it hands the worker's
// queue to another kernel thread. Two workloads share this file:
//   - `blocking_io`: the calls are raw: no hint to the scheduler, as in a library that knows
//     nothing about the model;
//   - `blocking_io_wrapped`: each call goes through M::blocking, the model's own way to run a
//     call that blocks (inline on kernel threads, a helper kernel thread for fibers, a
//     move to a spare kernel thread for hybrid).
//
// How: `size` blocker threads (K, default 64) each call nanosleep(1 ms) in a loop, beside one
// compute thread per core (resolved workers) that computes in chunks of about 20 µs and yields
// between chunks, a well-behaved cooperative program. First the compute threads run alone for
// `alone_window`, then with the blockers for `window`; every thread stops at the deadline,
// whatever happens (a thread checks the clock after each chunk or call).
//
// Timed: chunks done and calls completed within each window; each call's duration (its
// nanosleep's start to its return to the thread, so a thread left waiting for a worker after its
// call shows here).
// Reported: worse_ratio (headline: the lower of the next two, so that a model cannot rank well
// by starving one side: a fixed pool whose workers all compute never runs a blocker),
// compute_ratio (compute throughput with the blockers / alone, 1.0 is perfect), blocker_ratio
// (calls completed / (K × window ÷ 1 ms), 1.0 is perfect), call_p50_ns, call_p99_ns,
// compute_chunks_alone_per_s, compute_chunks_per_s, blockers.
#pragma once

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
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

template <bool Wrapped>
struct blocking_io_workload {
  static constexpr std::string_view name = Wrapped ? "blocking_io_wrapped" : "blocking_io";
  static constexpr std::string_view description =
      Wrapped ? "blocking_io with each call in M::blocking, the model's hint that a call blocks"
              : "K threads in nanosleep(1 ms) loops beside yielding compute threads: the worse "
                "of the compute and blocker ratios";
  static constexpr capability requires_caps = capability::none;
  // default_size — 64 blockers: many more than cores.
  static constexpr std::uint64_t default_size = 64;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (blockers).
  static constexpr std::uint64_t smoke_size = 4;
  static constexpr std::uint64_t trace_size = 4;
  // window — how long compute and blockers run together; alone_window — compute alone first.
  static constexpr std::chrono::milliseconds window{2000};
  static constexpr std::chrono::milliseconds alone_window{500};
  // call — each blocker's system call: nanosleep for this long.
  static constexpr std::chrono::milliseconds call{1};
  // chunk — the compute threads' work between two yields.
  static constexpr std::chrono::microseconds chunk{20};

  // block_once() — one nanosleep(call), the raw system call (not the model's sleep_for).
  static void block_once() {
    timespec ts{0, std::chrono::duration_cast<std::chrono::nanoseconds>(call).count()};
    while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
  }

  // compute_until(steps, deadline, chunks) — chunks of `steps` busy_work steps, M::yield()
  // between them, until deadline; counts the chunks. Returns the work's result (used).
  template <model M>
  static std::uint64_t compute_until(std::uint64_t steps, bench_clock::time_point deadline,
                                     std::atomic<std::uint64_t>& chunks) {
    std::uint64_t x = 1, done = 0;
    while (bench_clock::now() < deadline) {
      x = support::busy_work(x, steps);
      ++done;
      M::yield();
    }
    chunks.fetch_add(done, std::memory_order_relaxed);
    return x;
  }

  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument(std::string(name) + ": size must be at least 1");
    const unsigned computers = resolved_workers(opts);
    sample s;
    s.size = size;
    std::uint64_t blockers = size;
    if (const std::uint64_t budget = support::thread_budget<M>(opts);
        blockers + computers + 1 > budget) {
      blockers = budget > computers + 1 ? budget - computers - 1 : 1;
      s.scaled = true;
      s.note = "scaled to " + support::grouped(blockers) + " blockers: thread_limit " +
               support::grouped(M::thread_limit);
    }
    const std::uint64_t steps = support::steps_for(chunk);

    std::atomic<std::uint64_t> alone_chunks{0}, with_chunks{0}, sink{0};
    std::vector<std::vector<double>> durations(blockers);  // slot b: written by blocker b only
    double alone_ns = 0, with_ns = 0;

    M::run(opts, [&] {
      // Alone.
      {
        support::thread_group<M> group(computers);
        const auto start = bench_clock::now();
        const auto deadline = start + alone_window;
        for (unsigned c = 0; c < computers; ++c) {
          group.spawn(
              [&, deadline] { sink.fetch_add(compute_until<M>(steps, deadline, alone_chunks)); });
        }
        group.join_all();
        alone_ns = elapsed_ns(start, std::max(deadline, bench_clock::now()));
      }
      // With the blockers.
      support::thread_group<M> group(computers + blockers);
      const auto start = bench_clock::now();
      const auto deadline = start + window;
      for (unsigned c = 0; c < computers; ++c) {
        group.spawn(
            [&, deadline] { sink.fetch_add(compute_until<M>(steps, deadline, with_chunks)); });
      }
      for (std::uint64_t b = 0; b < blockers; ++b) {
        std::vector<double>* mine = &durations[b];
        mine->reserve(static_cast<std::size_t>(window / call) + 16);
        group.spawn([mine, deadline] {
          while (bench_clock::now() < deadline) {
            const auto t0 = bench_clock::now();
            if constexpr (Wrapped) {
              M::blocking([] { block_once(); });
            } else {
              block_once();
            }
            mine->push_back(elapsed_ns(t0, bench_clock::now()));
          }
        });
      }
      group.join_all();
      with_ns = elapsed_ns(start, std::max(deadline, bench_clock::now()));
    });

    std::vector<double> all;
    for (auto& d : durations) all.insert(all.end(), d.begin(), d.end());
    const double alone_rate = support::per_second(alone_chunks.load(), alone_ns);
    const double with_rate = support::per_second(with_chunks.load(), with_ns);
    if (alone_rate <= 0) throw wrong_result(std::string(name) + ": no compute chunk ran alone");
    const double ideal_calls = static_cast<double>(blockers) * (with_ns / 1e9) /
                               std::chrono::duration<double>(call).count();
    const double p50 = all.empty() ? 0 : support::percentile(all, 0.50);
    const double p99 = all.empty() ? 0 : support::percentile(all, 0.99);
    s.size = blockers;  // what ran (scaled: fewer than asked)
    const double compute_ratio = with_rate / alone_rate;
    const double blocker_ratio = static_cast<double>(all.size()) / ideal_calls;
    s.metrics = {
        support::metric("worse_ratio", "x", std::min(compute_ratio, blocker_ratio), false),
        support::metric("compute_ratio", "x", compute_ratio, false),
        support::metric("blocker_ratio", "x", blocker_ratio, false),
        support::metric("call_p50_ns", "ns", p50),
        support::metric("call_p99_ns", "ns", p99),
        support::metric("compute_chunks_alone_per_s", "chunks/s", alone_rate, false),
        support::metric("compute_chunks_per_s", "chunks/s", with_rate, false),
        support::metric("blockers", "threads", static_cast<double>(blockers), false),
    };
    if (all.empty())
      s.note += std::string(s.note.empty() ? "" : "; ") + "no blocked call completed";
    s.check = support::grouped(all.size()) + " calls by " + support::grouped(blockers) +
              " blockers, " + support::grouped(with_chunks.load()) + " chunks by " +
              std::to_string(computers) + " compute threads (" +
              support::grouped(alone_chunks.load()) + " alone)";
    return s;
  }
};

// Named types rather than aliases, so that test names and messages say "blocking_io".
struct blocking_io : blocking_io_workload<false> {};
struct blocking_io_wrapped : blocking_io_workload<true> {};

}  // namespace threadlab::workloads
