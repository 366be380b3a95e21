// bench/workloads/pingpong.hpp — a context switch through the model's channel.
//
// What it shows: the cost of handing control from one thread to another that is waiting for
// it: a push that wakes a blocked pop, then the reply. For kernel threads that is a futex wake
// and a sleep (or a spin) per message; for fibers, a queue operation and a context switch.
//
// How: the body (ping) and one spawned thread (pong) share two channels of capacity 1. Ping
// pushes i into `to_pong`; pong pops it and pushes i + 1 into `to_ping`; ping pops that. That is
// one round trip, repeated `size` times.
//
// Coroutine form (run_async): the same two threads, every push and pop co_awaited.
//
// Timed: the `size` round trips, from just after the spawn to the last reply (the spawn and the
// join are not counted).
// Checked: every reply is the value sent plus one, and pong saw exactly `size` messages.
// Reported: ns_per_switch (headline: one-way hand-off = time / (2 * size)), round_trips_per_s.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct pingpong {
  static constexpr std::string_view name = "pingpong";
  static constexpr std::string_view description =
      "two threads alternate over two channels of capacity 1: ns per one-way switch";
  static constexpr capability requires_caps = capability::waits_on_threads;
  // default_size — 20,000 round trips. A kernel hand-off measured 14 us one way on the shared
  // 2-core development machine, so 1:1 takes about 0.6 s; a fiber model takes milliseconds
  // (about 90 ns one way for green).
  static constexpr std::uint64_t default_size = 20'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (round trips).
  static constexpr std::uint64_t smoke_size = 200;
  static constexpr std::uint64_t trace_size = 1'000;

  // outcome — what the body observed, for the check.
  struct outcome {
    double total_ns = 0;
    std::uint64_t pong_seen = 0;
    std::uint64_t bad_index = 0;  // first round trip whose reply was wrong; size = none
    std::uint64_t bad_value = 0;
  };

  // run<M>(opts, size) — `size` round trips between two threads. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    outcome o = fresh_outcome(size);
    M::run(opts, [&] {
      typename M::template channel<std::uint64_t> to_pong(1);
      typename M::template channel<std::uint64_t> to_ping(1);
      support::thread_group<M> group(1);
      support::at_exit close_channels([&] {
        to_pong.close();
        to_ping.close();
      });
      group.spawn([&] {
        std::uint64_t seen = 0;
        while (std::optional<std::uint64_t> v = to_pong.pop()) {
          ++seen;
          if (!to_ping.push(*v + 1)) break;
        }
        o.pong_seen = seen;
      });

      const auto start = bench_clock::now();
      for (std::uint64_t i = 0; i < size; ++i) {
        if (!to_pong.push(i)) break;
        const std::optional<std::uint64_t> reply = to_ping.pop();
        if (!reply || *reply != i + 1) {
          o.bad_index = i;
          o.bad_value = reply.value_or(0);
          break;
        }
      }
      o.total_ns = elapsed_ns(start, bench_clock::now());
      // Closing ends pong's loop; join before any check so every thread is joined.
      close_channels.run_now();
      group.join_all();
    });
    return report(o, size);
  }

  // run_async<M>(opts, size) — run's coroutine form: every push and pop is co_awaited.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    outcome o = fresh_outcome(size);
    M::run(opts, [&]() -> typename M::template task<void> {
      typename M::template channel<std::uint64_t> to_pong(1);
      typename M::template channel<std::uint64_t> to_ping(1);
      support::async_thread_group<M> group(1);
      support::at_exit close_channels([&] {
        to_pong.close();
        to_ping.close();
      });
      group.spawn([&]() -> typename M::template task<void> {
        std::uint64_t seen = 0;
        while (std::optional<std::uint64_t> v = co_await to_pong.pop()) {
          ++seen;
          const bool pushed = co_await to_ping.push(*v + 1);
          if (!pushed) break;
        }
        o.pong_seen = seen;
      });

      const auto start = bench_clock::now();
      for (std::uint64_t i = 0; i < size; ++i) {
        const bool pushed = co_await to_pong.push(i);
        if (!pushed) break;
        const std::optional<std::uint64_t> reply = co_await to_ping.pop();
        if (!reply || *reply != i + 1) {
          o.bad_index = i;
          o.bad_value = reply.value_or(0);
          break;
        }
      }
      o.total_ns = elapsed_ns(start, bench_clock::now());
      close_channels.run_now();
      co_await group.join_all();
    });
    return report(o, size);
  }

 private:
  // fresh_outcome(size) — an empty outcome ("no wrong reply" yet). Throws when size is 0.
  static outcome fresh_outcome(std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("pingpong: size must be at least 1");
    outcome o;
    o.bad_index = size;
    return o;
  }

  // report(o, size) — both forms' check (every reply = sent + 1, pong saw `size` messages) and
  // sample.
  static sample report(const outcome& o, std::uint64_t size) {
    if (o.bad_index != size) {
      support::fail("pingpong: reply to message " + std::to_string(o.bad_index), o.bad_index + 1,
                    o.bad_value);
    }
    support::expect_equal("pingpong: messages seen by pong", size, o.pong_seen);

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_switch", "ns", support::per_unit(o.total_ns, 2 * size)),
        support::metric("round_trips_per_s", "round trips/s", support::per_second(size, o.total_ns),
                        false),
    };
    s.check = "pong saw " + support::grouped(size) + " messages, each reply = sent + 1";
    return s;
  }
};

}  // namespace threadlab::workloads
