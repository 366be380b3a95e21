// bench/workloads/mutex.hpp — contention on one model mutex.
//
// What it shows: what a critical section costs when several threads want the same lock: the
// lock's fast path, its hand-off when contended, and how the model parks a thread that must
// wait (a futex sleep for kernel threads, a fiber switch for the others).
//
// How: T = max(4, 2 * workers) threads each lock M::mutex, increment a plain shared counter
// and unlock, `size / T` times. Twice as many threads as workers keeps every worker busy and
// some thread always waiting.
//
// Coroutine form (run_async): the same threads, each `co_await m.lock()` ... `m.unlock()`.
//
// Timed: from before the first spawn to after the last join.
// Checked: the counter equals T * (size / T) exactly. The counter is not atomic, so a mutex
// that lets two threads in at once loses increments and fails the check.
// Reported: ns_per_lock (headline: time per critical section), locks_per_s.
#pragma once

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct mutex {
  static constexpr std::string_view name = "mutex";
  static constexpr std::string_view description =
      "2 x workers threads (at least 4) increment one counter under M::mutex: ns per lock";
  static constexpr capability requires_caps = capability::none;
  static constexpr std::uint64_t default_size = 200'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (critical sections).
  static constexpr std::uint64_t smoke_size = 4'000;
  static constexpr std::uint64_t trace_size = 1'000;
  static constexpr std::uint64_t min_threads = 4;

  // shape — the threads, and the critical sections each runs.
  struct shape {
    std::uint64_t wanted = 0;      // threads the workload asks for
    std::uint64_t threads = 0;     // threads it runs (thread_limit may cut them)
    std::uint64_t per_thread = 0;  // critical sections per thread
  };

  // run<M>(opts, size) — size critical sections in all (rounded down to a multiple of the
  // thread count). Precondition: size >= the thread count.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const shape sh = shape_for<M>(opts, size);
    std::uint64_t counter = 0;  // written only under `lock` below
    double total_ns = 0;

    M::run(opts, [&] {
      typename M::mutex lock;
      support::thread_group<M> group(sh.threads);
      const auto start = bench_clock::now();
      for (std::uint64_t t = 0; t < sh.threads; ++t) {
        group.spawn([&] {
          for (std::uint64_t i = 0; i < sh.per_thread; ++i) {
            std::lock_guard<typename M::mutex> hold(lock);
            ++counter;
          }
        });
      }
      group.join_all();
      total_ns = elapsed_ns(start, bench_clock::now());
    });
    return report<M>(sh, counter, total_ns);
  }

  // run_async<M>(opts, size) — run's coroutine form: `co_await lock.lock()`, then unlock.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    const shape sh = shape_for<M>(opts, size);
    std::uint64_t counter = 0;  // written only under `lock` below
    double total_ns = 0;

    M::run(opts, [&]() -> task {
      typename M::mutex lock;
      support::async_thread_group<M> group(sh.threads);
      const auto start = bench_clock::now();
      for (std::uint64_t t = 0; t < sh.threads; ++t) {
        group.spawn([&]() -> task {
          for (std::uint64_t i = 0; i < sh.per_thread; ++i) {
            co_await lock.lock();
            ++counter;
            lock.unlock();
          }
        });
      }
      co_await group.join_all();
      total_ns = elapsed_ns(start, bench_clock::now());
    });
    return report<M>(sh, counter, total_ns);
  }

 private:
  // shape_for<M>(opts, size) — max(4, 2 x workers) threads within M's budget, size / threads
  // sections each. Throws std::invalid_argument when that is 0.
  template <class M>
  static shape shape_for(const run_options& opts, std::uint64_t size) {
    shape sh;
    sh.wanted = std::max<std::uint64_t>(min_threads, 2ull * resolved_workers(opts));
    sh.threads = std::min(sh.wanted, support::spawn_budget<M>(opts));
    sh.per_thread = size / sh.threads;
    if (sh.per_thread == 0) {
      throw std::invalid_argument("mutex: size must be at least the thread count (" +
                                  std::to_string(sh.threads) + ")");
    }
    return sh;
  }

  // report<M>(sh, counter, total_ns) — both forms' check (no increment lost) and sample.
  template <class M>
  static sample report(const shape& sh, std::uint64_t counter, double total_ns) {
    const std::uint64_t sections = sh.per_thread * sh.threads;
    support::expect_equal("mutex: counter", sections, counter);

    sample s;
    s.size = sections;
    s.metrics = {
        support::metric("ns_per_lock", "ns", support::per_unit(total_ns, sections)),
        support::metric("locks_per_s", "locks/s", support::per_second(sections, total_ns), false),
    };
    s.check = "counter = " + support::grouped(sections) + " (" + std::to_string(sh.threads) +
              " threads x " + support::grouped(sh.per_thread) + ")";
    if (sh.threads < sh.wanted) {
      s.scaled = true;
      s.note = std::to_string(sh.threads) + " threads instead of " + std::to_string(sh.wanted) +
               ": thread_limit " + support::grouped(M::thread_limit);
    }
    return s;
  }
};

}  // namespace threadlab::workloads
