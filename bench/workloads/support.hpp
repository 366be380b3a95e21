// bench/workloads/support.hpp — small helpers every workload shares: building metrics, writing
// numbers for notes, sizing to a model's thread budget (or to the size asked), joining a group
// of threads safely (a thread the system refuses diagnosed), and checking a result.
//
// Nothing here is timed: workloads call these before or after their timed region. The one
// exception is thread_group::spawn, whose cost is the model's own spawn plus a push_back into
// storage reserved beforehand (no allocation when the caller reserved enough).
#pragma once

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/model.hpp"
#include "bench/report/units.hpp"
#include "bench/run/exhaustion.hpp"
#include "bench/workload.hpp"

namespace threadlab::workloads::support {

// metric(name, unit, value, lower_is_better) — one metric_value, spelled in one line.
inline metric_value metric(std::string name, std::string unit, double value,
                           bool lower_is_better = true) {
  return metric_value{std::move(name), std::move(unit), value, lower_is_better};
}

// grouped(n) — n with thousands separators ("1,111,111"), for notes and check strings.
using ::threadlab::grouped;

// fail(what, expected, actual) — throws wrong_result("<what>: expected E, got A"). Callers join
// every thread they spawned before calling it (the model contract requires each thread to be
// joined).
[[noreturn]] inline void fail(std::string_view what, std::uint64_t expected, std::uint64_t actual) {
  throw wrong_result(std::string(what) + ": expected " + std::to_string(expected) + ", got " +
                     std::to_string(actual));
}

// expect_equal(what, expected, actual) — fail(...) unless expected == actual.
inline void expect_equal(std::string_view what, std::uint64_t expected, std::uint64_t actual) {
  if (expected != actual) fail(what, expected, actual);
}

// per_unit(total_ns, units) — total_ns / units, or 0 when there are no units.
inline double per_unit(double total_ns, std::uint64_t units) {
  return units == 0 ? 0.0 : total_ns / static_cast<double>(units);
}

// per_second(units, total_ns) — units per second, or 0 when no time was measured.
inline double per_second(std::uint64_t units, double total_ns) {
  return total_ns <= 0 ? 0.0 : static_cast<double>(units) * 1e9 / total_ns;
}

// busy_work(seed, steps) — `steps` dependent multiply-xorshift steps (splitmix64's finalizer)
// chained from seed: CPU work the compiler can neither skip nor shorten, for workloads that
// need a thread to compute for a while.
inline std::uint64_t busy_work(std::uint64_t seed, std::uint64_t steps) {
  std::uint64_t x = seed;
  for (std::uint64_t i = 0; i < steps; ++i) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
  }
  return x;
}

// steps_for(target) — how many busy_work steps take about `target` on the calling kernel
// thread, measured now (the best of a few tries, so that a preemption does not inflate it).
// At least 1.
inline std::uint64_t steps_for(std::chrono::nanoseconds target) {
  constexpr std::uint64_t probe = 20'000;
  double best_ns = 0;
  std::uint64_t sink = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto start = bench_clock::now();
    sink += busy_work(sink + static_cast<std::uint64_t>(attempt), probe);
    const double ns = elapsed_ns(start, bench_clock::now());
    if (attempt == 0 || ns < best_ns) best_ns = ns;
  }
  asm volatile("" : : "r"(sink));  // the probe's result is used
  const double per_step = best_ns > 0 ? best_ns / probe : 1.0;
  const auto steps = static_cast<std::uint64_t>(static_cast<double>(target.count()) / per_step);
  return steps == 0 ? 1 : steps;
}

// percentile(values, p) — the nearest-rank p-quantile of values (p in (0, 1]): the smallest
// value with at least p of the values at or below it. Reorders values.
// Precondition: values is not empty.
inline double percentile(std::vector<double>& values, double p) {
  assert(!values.empty() && p > 0 && p <= 1 && "support::percentile: bad arguments");
  const auto n = values.size();
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  auto at = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

// process_pages — the two sizes /proc/self/statm gives, in pages.
struct process_pages {
  std::uint64_t virtual_pages = 0;   // VmSize
  std::uint64_t resident_pages = 0;  // VmRSS
};

// read_process_pages() — /proc/self/statm now. Throws std::runtime_error when unreadable.
inline process_pages read_process_pages() {
  std::ifstream statm("/proc/self/statm");
  process_pages p;
  if (!(statm >> p.virtual_pages >> p.resident_pages)) {
    throw std::runtime_error("cannot read /proc/self/statm");
  }
  return p;
}

// pages_before_growth() — read_process_pages(), after giving the heap's free pages back to the
// kernel (glibc's malloc_trim(0), every arena). Read before a workload grows the process: memory
// freed by an earlier repetition (frames, control blocks, connection buffers) would otherwise be
// reused without becoming resident again, and what each new thread costs would read as almost
// nothing after the warm-up.
inline process_pages pages_before_growth() {
  ::malloc_trim(0);
  return read_process_pages();
}

// pages_per_unit_in_bytes(before, after, units) — (after - before) pages, in bytes per unit
// (a thread, a connection); negative when the process shrank.
inline double pages_per_unit_in_bytes(std::uint64_t before, std::uint64_t after,
                                      std::uint64_t units) {
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double delta = static_cast<double>(after) - static_cast<double>(before);
  return units == 0 ? 0.0 : delta * page / static_cast<double>(units);
}

// thread_budget<M>(opts) — how many threads of M a workload may keep alive at once, the body
// included: M::thread_limit for a default size; no bound for a size given explicitly
// (opts.size_given), which is run as asked: a limit it hits is an error, diagnosed
// (bench/run/exhaustion.hpp), and `threadlab run` refuses beforehand a size that clearly
// cannot fit (bench/run/capacity.hpp).
template <any_model M>
constexpr std::uint64_t thread_budget(const run_options& opts) {
  return opts.size_given ? std::numeric_limits<std::uint64_t>::max() : M::thread_limit;
}

// spawn_budget<M>(opts) — how many threads a workload may spawn at once on M: thread_budget - 1,
// since the body is itself one of the model's threads, and at least 1.
template <any_model M>
constexpr std::uint64_t spawn_budget(const run_options& opts) {
  const std::uint64_t budget = thread_budget<M>(opts);
  return budget > 1 ? budget - 1 : 1;
}

// at_exit<F> — runs an action once: at run_now(), or when destroyed if run_now() was not called.
// Workloads use it to close their channels on every path out, declared *after* their
// thread_group so that on an exception the channels close before the group joins (the blocked
// threads then return instead of waiting forever).
template <class F>
class at_exit {
 public:
  explicit at_exit(F action) : action_(std::move(action)) {}
  at_exit(const at_exit&) = delete;
  at_exit& operator=(const at_exit&) = delete;
  ~at_exit() { run_now(); }

  // run_now() — runs the action unless it already ran.
  void run_now() {
    if (!done_) {
      done_ = true;
      action_();
    }
  }

 private:
  F action_;
  bool done_ = false;
};

// no_join_hooks — the hooks of a plain thread_group::join_all(): do nothing.
struct no_join_hooks {
  void before_join(std::size_t) const noexcept {}
  void after_join(std::size_t) const noexcept {}
};

// thread_group<M> — the threads one workload spawned, joined together.
//
// join_all() joins every thread in spawn order, even when one of them rethrows, and then
// rethrows the first exception. If the group is destroyed without join_all() (an exception left
// the workload early), the destructor joins what is left and drops their exceptions. A workload
// whose threads may be blocked on a channel must close that channel before the group is
// destroyed on such a path, or the destructor would wait forever.
//
// Precondition: used by one thread of the model (the one that spawns), never shared.
template <model M>
class thread_group {
 public:
  // thread_group(expected) — reserves room for `expected` handles, so that spawn does not
  // allocate in a timed loop.
  explicit thread_group(std::size_t expected = 0) { threads_.reserve(expected); }

  thread_group(const thread_group&) = delete;
  thread_group& operator=(const thread_group&) = delete;

  ~thread_group() {
    for (auto& t : threads_) {
      try {
        t.join();
      } catch (...) {
        // Dropped: an exception is already on its way out of the workload.
      }
    }
  }

  // spawn(fn) — M::spawn(fn), remembered for join_all. When the system refuses the thread (a
  // limit reached: std::system_error EAGAIN/ENOMEM, std::bad_alloc), throws resource_exhausted
  // saying which limit, "when spawning thread <k> failed" (bench/run/exhaustion.hpp).
  template <class F>
  void spawn(F&& fn) {
    try {
      threads_.push_back(M::spawn(std::forward<F>(fn)));
    } catch (...) {
      rethrow_diagnosed("spawning thread", threads_.size() + 1);
    }
  }

  // size() — how many threads are waiting to be joined.
  std::size_t size() const { return threads_.size(); }

  // join_all() — joins every thread in spawn order, then rethrows the first exception any of
  // them threw. Afterwards the group is empty and may spawn again (its storage is kept).
  void join_all() { join_all(no_join_hooks{}); }

  // join_all(hooks) — as join_all(), calling hooks.before_join(k) just before joining the k-th
  // thread spawned since the last join_all (k from 0) and hooks.after_join(k) just after its
  // join returned or threw, so that a workload can time each join (spawn_join does).
  // Precondition: neither hook throws.
  template <class Hooks>
  void join_all(Hooks&& hooks) {
    std::exception_ptr first;
    for (std::size_t k = 0; k < threads_.size(); ++k) {
      hooks.before_join(k);
      try {
        threads_[k].join();
      } catch (...) {
        if (!first) first = std::current_exception();
      }
      hooks.after_join(k);
    }
    threads_.clear();
    if (first) std::rethrow_exception(first);
  }

 private:
  std::vector<typename M::thread> threads_;
};

// fixed_thread_group<M, N> — like thread_group, for at most N threads, with its handles in the
// object itself: no allocation at all, for workloads that make one group per thread (skynet).
//
// Precondition: used by one thread of the model, never shared; at most N spawns between joins.
template <model M, std::size_t N>
class fixed_thread_group {
 public:
  fixed_thread_group() = default;
  fixed_thread_group(const fixed_thread_group&) = delete;
  fixed_thread_group& operator=(const fixed_thread_group&) = delete;

  ~fixed_thread_group() {
    for (std::size_t i = 0; i < count_; ++i) {
      try {
        threads_[i]->join();
      } catch (...) {
        // Dropped: an exception is already on its way out of the workload.
      }
    }
  }

  // spawn(fn) — M::spawn(fn), remembered for join_all; a refused thread as thread_group's.
  // Precondition: size() < N.
  template <class F>
  void spawn(F&& fn) {
    assert(count_ < N && "fixed_thread_group: more than N threads");
    try {
      threads_[count_].emplace(M::spawn(std::forward<F>(fn)));
    } catch (...) {
      rethrow_diagnosed("spawning thread", count_ + 1);
    }
    ++count_;
  }

  // size() — how many threads are waiting to be joined.
  std::size_t size() const { return count_; }

  // join_all() — joins every thread, then rethrows the first exception any of them threw.
  void join_all() {
    std::exception_ptr first;
    for (std::size_t i = 0; i < count_; ++i) {
      try {
        threads_[i]->join();
      } catch (...) {
        if (!first) first = std::current_exception();
      }
      threads_[i].reset();
    }
    count_ = 0;
    if (first) std::rethrow_exception(first);
  }

 private:
  std::array<std::optional<typename M::thread>, N> threads_;
  std::size_t count_ = 0;
};

}  // namespace threadlab::workloads::support
