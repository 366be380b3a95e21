// bench/workloads/atomic_rmw.hpp — the second floor: one uncontended locked read-modify-write.
//
// What it shows: the price of the instruction every lock, compare-and-swap and full fence is
// built on (on x86-64 a LOCK-prefixed instruction, on ARM a load-acquire/store-release pair or
// an LSE atomic), with no contention: the line stays in this core's cache. A spinlock's
// lock + unlock is one of these and a plain store; so is the fast path of a channel operation
// in every model here. A workload that must take a lock per item can approach this figure
// times its locks per operation, never beat it: pipeline's ten channel operations a message
// cost at least ten of these, whatever the scheduler does.
//
// How: `size` times, exchange 1 into a private atomic (acquire) and store 0 back (release):
// exactly a test-and-set spinlock's uncontended lock and unlock. The atomic sits on a cache
// line of its own, touched by no other thread.
//
// Timed: the `size` lock + unlock pairs.
// Checked: every exchange found the word unlocked (0), i.e. `size` acquisitions succeeded at
// the first try.
// Reported: ns_per_rmw (headline: time / size), rmws_per_s.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct atomic_rmw {
  static constexpr std::string_view name = "atomic_rmw";
  static constexpr std::string_view description =
      "uncontended locked exchange + release store (a spinlock's lock and unlock)";
  // default_size — 20,000,000 pairs: a few ns each, so about 100-150 ms.
  static constexpr std::uint64_t default_size = 20'000'000;
  // smoke_size — the test suite's size (pairs).
  static constexpr std::uint64_t smoke_size = 10'000;

  // run(size) — `size` uncontended exchange + store pairs. Precondition: size >= 1; called on
  // any kernel thread, outside any model.
  static sample run(std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("atomic_rmw: size must be at least 1");
    struct alignas(64) line {
      std::atomic<std::uint32_t> word{0};
    };
    line lock;
    std::uint64_t acquired = 0;

    const auto start = bench_clock::now();
    for (std::uint64_t i = 0; i < size; ++i) {
      // 0 -> 1 is an acquisition; the exchange is the locked instruction being measured.
      acquired += lock.word.exchange(1, std::memory_order_acquire) == 0 ? 1 : 0;
      lock.word.store(0, std::memory_order_release);
    }
    const double total_ns = elapsed_ns(start, bench_clock::now());

    support::expect_equal("atomic_rmw: acquisitions at the first try", size, acquired);

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_rmw", "ns", support::per_unit(total_ns, size)),
        support::metric("rmws_per_s", "rmws/s", support::per_second(size, total_ns), false),
    };
    s.check = "all " + support::grouped(size) + " exchanges found the word unlocked";
    return s;
  }
};

}  // namespace threadlab::workloads
