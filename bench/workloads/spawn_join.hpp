// bench/workloads/spawn_join.hpp — the life of a trivial thread: create, start, exit, join.
//
// What it shows: what one thread costs from M::spawn to the return of join(), when the thread
// does almost nothing. Kernel threads pay clone, a stack mapping and a futex; fibers pay a
// stack allocation and two context switches.
//
// How: the body spawns `size` threads in batches of `batch_size` (100, or the model's
// thread_limit if smaller, so that a 1:1 model never holds more than a batch alive), then joins
// the batch before starting the next one. Each thread writes its index + 1 into its own slot.
//
// Timed: from the first spawn to the last join, inside M::run (the model's start-up and
// shut-down are not counted).
// Checked: after each batch, every slot holds its thread's value (a thread that never ran, or
// ran twice into the wrong slot, is caught).
// Reported: ns_per_thread (headline: spawn + run + join of one thread), threads_per_s.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../model.hpp"
#include "../workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct spawn_join {
  static constexpr std::string_view name = "spawn_join";
  static constexpr std::string_view description =
      "spawn and join trivial threads in batches of 100: ns per thread";
  static constexpr capability requires_caps = capability::none;
  static constexpr std::uint64_t default_size = 10'000;
  // batch_size — threads alive at once. 100 keeps a 1:1 model far from its limits while still
  // letting a scheduler overlap spawns; it is a choice, not a tuned value.
  static constexpr std::uint64_t batch_size = 100;

  // run<M>(opts, size) — spawns and joins `size` threads. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("spawn_join: size must be at least 1");
    // The body is itself a thread of the model, so a batch may use thread_limit - 1.
    const std::uint64_t limit = M::thread_limit > 1 ? M::thread_limit - 1 : 1;
    const std::uint64_t batch = std::min({batch_size, limit, size});

    std::vector<std::uint64_t> slots(batch, 0);
    double total_ns = 0;

    M::run(opts, [&] {
      support::thread_group<M> group(batch);
      const auto start = bench_clock::now();
      for (std::uint64_t first = 0; first < size; first += batch) {
        const std::uint64_t count = std::min(batch, size - first);
        for (std::uint64_t i = 0; i < count; ++i) {
          std::uint64_t* slot = &slots[i];
          const std::uint64_t value = first + i + 1;
          group.spawn([slot, value] { *slot = value; });
        }
        group.join_all();
        // The check stays inside the timed region: a scan of at most 100 words, small beside
        // 100 spawns, and cheaper than stopping the clock around it.
        for (std::uint64_t i = 0; i < count; ++i) {
          if (slots[i] != first + i + 1) {
            support::fail("spawn_join: value written by thread " + std::to_string(first + i),
                          first + i + 1, slots[i]);
          }
        }
      }
      total_ns = elapsed_ns(start, bench_clock::now());
    });

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_thread", "ns", support::per_unit(total_ns, size)),
        support::metric("threads_per_s", "threads/s", support::per_second(size, total_ns), false),
    };
    s.check = "each of " + support::grouped(size) + " threads wrote its own value";
    if (batch < batch_size && batch < size) {
      s.note = "batches of " + support::grouped(batch) + " (thread_limit " +
               support::grouped(M::thread_limit) + ")";
    }
    return s;
  }
};

}  // namespace threadlab::workloads
