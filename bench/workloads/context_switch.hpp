// bench/workloads/context_switch.hpp — the floor: a bare Boost.Context switch, no model.
//
// What it shows: the cost of the machine-level switch every fiber model is built on (save the
// callee-saved registers and the stack pointer, load the other's): no scheduler, no queue, no
// lock. A fiber model's yield or pingpong can approach this figure, never beat it; the hybrid
// scheduler's targets are stated as multiples of it.
//
// How: the calling thread (main context) and one boost::context::fiber resume each other. One
// round trip is two one-way switches: main -> fiber, fiber -> main. The fiber counts the times
// it was resumed; when `stop` is set it returns, which ends it cleanly.
//
// Timed: `size` round trips (the fiber's creation and its final resume are not counted).
// Checked: the fiber was resumed exactly `size` times in the timed loop.
// Reported: ns_per_switch (headline: time / (2 * size)), switches_per_s.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct context_switch {
  static constexpr std::string_view name = "context_switch";
  static constexpr std::string_view description = "bare boost::context::fiber switch: the floor";
  // default_size — 10,000,000 round trips: a switch costs a few ns, so about 50-150 ms.
  static constexpr std::uint64_t default_size = 10'000'000;
  // smoke_size — the test suite's size (switches).
  static constexpr std::uint64_t smoke_size = 10'000;

  // run(size) — `size` round trips between the caller and one fiber. Precondition: size >= 1;
  // called on any kernel thread, outside any model.
  static sample run(std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("context_switch: size must be at least 1");
    namespace ctx = boost::context;

    std::uint64_t resumed = 0;  // only touched by whichever side is running: no race
    bool stop = false;
    ctx::fiber partner{[&](ctx::fiber&& caller) {
      for (;;) {
        caller = std::move(caller).resume();
        if (stop) break;
        ++resumed;
      }
      return std::move(caller);
    }};
    // First resume: enters the fiber, which switches straight back (not counted).
    partner = std::move(partner).resume();

    const auto start = bench_clock::now();
    for (std::uint64_t i = 0; i < size; ++i) partner = std::move(partner).resume();
    const double total_ns = elapsed_ns(start, bench_clock::now());

    stop = true;
    partner = std::move(partner).resume();  // the fiber returns; partner is empty afterwards
    if (partner) throw std::logic_error("context_switch: the fiber did not finish");

    support::expect_equal("context_switch: times the fiber was resumed", size, resumed);

    const std::uint64_t switches = 2 * size;
    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_switch", "ns", support::per_unit(total_ns, switches)),
        support::metric("switches_per_s", "switches/s", support::per_second(switches, total_ns),
                        false),
    };
    s.check = "the fiber was resumed " + support::grouped(size) + " times";
    return s;
  }
};

}  // namespace threadlab::workloads
