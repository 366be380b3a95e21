// bench/workloads/pipeline.hpp — stages joined by bounded channels.
//
// What it shows: steady-state throughput of a chain of threads where each one waits on the
// one before: the channels have room for 64 items, so a model can batch (run one stage for a
// while, then the next) instead of switching on every message.
//
// How: producer -> transform 1 -> ... -> transform 4 -> consumer, joined by 5 channels of
// capacity 64. The producer sends 0 .. size-1 and closes its channel; each transform applies
// its own step (an LCG step plus its stage number) and closes its output once its input is
// drained; the consumer (the body) sums what arrives and checks each value against the one
// computed directly, which also checks the order.
//
// Coroutine form (run_async): the same stages, every push and pop co_awaited.
//
// Timed: from before the first spawn to after the last join (the stages are started and
// stopped in the timed region; 5 spawns are noise beside 100,000 messages).
// Checked: the consumer received `size` values, each equal to the 4 steps applied to its
// index, and their sum equals the sum computed outside the model.
// Reported: ns_per_message (headline), messages_per_s.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct pipeline {
  static constexpr std::string_view name = "pipeline";
  static constexpr std::string_view description =
      "producer, 4 transforms, consumer over channels of capacity 64: ns per message";
  static constexpr capability requires_caps = capability::waits_on_threads;
  static constexpr std::uint64_t default_size = 100'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (messages).
  static constexpr std::uint64_t smoke_size = 2'000;
  static constexpr std::uint64_t trace_size = 1'000;
  static constexpr std::uint64_t transforms = 4;
  static constexpr std::size_t capacity = 64;

  // step(stage, x) — what transform `stage` (0-based) does to a message: one LCG step (Knuth's
  // MMIX constants) plus the stage number, so a message skipped or sent through the wrong
  // stage changes the result.
  static constexpr std::uint64_t step(std::uint64_t stage, std::uint64_t x) {
    return x * 6364136223846793005ull + 1442695040888963407ull + stage;
  }

  // expected(index) — the value the consumer must receive for message `index`.
  static constexpr std::uint64_t expected(std::uint64_t index) {
    for (std::uint64_t stage = 0; stage < transforms; ++stage) index = step(stage, index);
    return index;
  }

  // tally — what the consumer (the body) saw: count, sum, and the first value out of place.
  struct tally {
    std::uint64_t size = 0;
    std::uint64_t received = 0;
    std::uint64_t sum = 0;
    std::uint64_t first_wrong = 0;  // index of the first out-of-place value; size = none
    std::uint64_t wrong_value = 0;
    double total_ns = 0;

    // receive(v) — the consumer's step for value v: checked against the one expected next.
    void receive(std::uint64_t v) {
      if (first_wrong == size && received < size && v != expected(received)) {
        first_wrong = received;
        wrong_value = v;
      }
      sum += v;
      ++received;
    }
  };

  // run<M>(opts, size) — sends `size` messages through the pipeline. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    using channel = typename M::template channel<std::uint64_t>;
    tally t = fresh_tally(size);

    M::run(opts, [&] {
      // links[k] feeds stage k: links[0] from the producer, links[transforms] to the consumer.
      std::deque<channel> links;
      for (std::uint64_t k = 0; k <= transforms; ++k) links.emplace_back(capacity);

      support::thread_group<M> group(transforms + 1);
      support::at_exit close_all([&] {
        for (channel& link : links) link.close();
      });

      const auto start = bench_clock::now();
      group.spawn([&] {
        channel& out = links[0];
        for (std::uint64_t i = 0; i < size; ++i) {
          if (!out.push(i)) break;
        }
        out.close();
      });
      for (std::uint64_t stage = 0; stage < transforms; ++stage) {
        group.spawn([&, stage] {
          channel& in = links[stage];
          channel& out = links[stage + 1];
          while (std::optional<std::uint64_t> v = in.pop()) {
            if (!out.push(step(stage, *v))) break;
          }
          out.close();
        });
      }
      channel& in = links[transforms];
      while (std::optional<std::uint64_t> v = in.pop()) t.receive(*v);
      group.join_all();
      t.total_ns = elapsed_ns(start, bench_clock::now());
      close_all.run_now();
    });
    return report(t);
  }

  // run_async<M>(opts, size) — run's coroutine form: every push and pop is co_awaited.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using channel = typename M::template channel<std::uint64_t>;
    using task = typename M::template task<void>;
    tally t = fresh_tally(size);

    M::run(opts, [&]() -> task {
      std::deque<channel> links;
      for (std::uint64_t k = 0; k <= transforms; ++k) links.emplace_back(capacity);

      support::async_thread_group<M> group(transforms + 1);
      support::at_exit close_all([&] {
        for (channel& link : links) link.close();
      });

      const auto start = bench_clock::now();
      group.spawn([&]() -> task {
        channel& out = links[0];
        for (std::uint64_t i = 0; i < size; ++i) {
          const bool pushed = co_await out.push(i);
          if (!pushed) break;
        }
        out.close();
      });
      for (std::uint64_t stage = 0; stage < transforms; ++stage) {
        group.spawn([&, stage]() -> task {
          channel& in = links[stage];
          channel& out = links[stage + 1];
          while (std::optional<std::uint64_t> v = co_await in.pop()) {
            const bool pushed = co_await out.push(step(stage, *v));
            if (!pushed) break;
          }
          out.close();
        });
      }
      channel& in = links[transforms];
      while (std::optional<std::uint64_t> v = co_await in.pop()) t.receive(*v);
      co_await group.join_all();
      t.total_ns = elapsed_ns(start, bench_clock::now());
      close_all.run_now();
    });
    return report(t);
  }

 private:
  // fresh_tally(size) — nothing received yet. Throws std::invalid_argument when size is 0.
  static tally fresh_tally(std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("pipeline: size must be at least 1");
    tally t;
    t.size = size;
    t.first_wrong = size;
    return t;
  }

  // report(t) — both forms' check (`size` values, each the 4 steps of its index, and their sum)
  // and sample.
  static sample report(const tally& t) {
    const std::uint64_t size = t.size;
    std::uint64_t expected_sum = 0;
    for (std::uint64_t i = 0; i < size; ++i) expected_sum += expected(i);
    support::expect_equal("pipeline: messages received", size, t.received);
    if (t.first_wrong != size) {
      support::fail("pipeline: value of message " + std::to_string(t.first_wrong),
                    expected(t.first_wrong), t.wrong_value);
    }
    support::expect_equal("pipeline: sum of received values", expected_sum, t.sum);

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_message", "ns", support::per_unit(t.total_ns, size)),
        support::metric("messages_per_s", "messages/s", support::per_second(size, t.total_ns),
                        false),
    };
    s.check = support::grouped(size) + " messages in order, sum = " + std::to_string(expected_sum);
    return s;
  }
};

}  // namespace threadlab::workloads
