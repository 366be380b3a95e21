// tests/bench/traced_pingpong.hpp — the run the modules' observer tests trace, and a way to count
// what the tracer saw: used by tests/green_threads and tests/kernel_threads (observer_test.cpp),
// so that every bridge is checked on the same program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "bench/model.hpp"
#include "bench/trace/tracer.hpp"

namespace threadlab::testing {

// pingpong<M>(opts, rounds) — inside M::run(opts, ...), the body and one spawned thread
// alternate over two channels of capacity 1: the body sends 0 .. rounds-1, the other thread
// replies with each value + 1. Returns the sum of the replies, rounds * (rounds + 1) / 2 when
// every message arrived once (the callers check it). Both threads block on every round, so a
// traced run records blocked and wake-up transitions for each of them.
template <model M>
std::uint64_t pingpong(const run_options& opts, std::uint64_t rounds) {
  std::uint64_t sum = 0;
  M::run(opts, [&] {
    typename M::template channel<std::uint64_t> to_pong(1);
    typename M::template channel<std::uint64_t> to_ping(1);
    typename M::thread pong = M::spawn([&] {
      while (std::optional<std::uint64_t> v = to_pong.pop()) {
        if (!to_ping.push(*v + 1)) break;
      }
    });
    for (std::uint64_t i = 0; i < rounds; ++i) {
      to_pong.push(i);
      sum += to_ping.pop().value_or(0);
    }
    to_pong.close();
    to_ping.close();
    pong.join();
  });
  return sum;
}

// count_state(t, s) — how many of t's recorded events are transitions into s.
inline std::size_t count_state(const tracer& t, thread_state s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < t.recorded(); ++i) n += t.events()[i].state == s ? 1 : 0;
  return n;
}

}  // namespace threadlab::testing
