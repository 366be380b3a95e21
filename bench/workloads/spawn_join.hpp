// bench/workloads/spawn_join.hpp — the life of a trivial thread: create, start, exit, join.
//
// What it shows: what one thread costs from M::spawn to the return of join(), when the thread
// does almost nothing, and where in its life that time goes. Kernel threads pay clone, a stack
// mapping and a futex; fibers pay a stack allocation and two context switches.
//
// How: the body spawns `size` threads in batches of `batch_size` (100, or the model's
// thread_limit if smaller, so that a 1:1 model never holds more than a batch alive), then joins
// the batch, one thread at a time in spawn order, before starting the next one. Each thread
// writes its index + 1 into its own slot.
//
// Lifecycle timestamps: every thread has two preallocated slots — one written only by the
// spawning body (spawner_times), one only by the thread itself (thread_times, a cache line of
// its own so that a thread writing it never contends with its neighbours or with the body).
// Nothing is allocated or locked while measuring; every timestamp is bench_clock::now(), a
// monotonic clock that is consistent across CPUs. Per thread:
//   create_begin  the body, just before M::spawn
//   create_end    the body, just after M::spawn returned (and the handle was stored)
//   first         the thread, its first instruction
//   last          the thread, its last instruction (after writing its value)
//   join_begin    the body, just before join()
//   join_end      the body, just after join() returned
// From these, over every thread of the repetition, p50 / p99 / max (nearest rank) of:
//   create         create_end - create_begin: the spawn call. A model that runs the new thread
//                  before spawn returns (green's launch::dispatch does) includes the thread's
//                  whole body here.
//   start_latency  first - create_begin: from asking for a thread to its first instruction.
//                  It includes waiting for a CPU or a worker; on a one-core, cooperative model
//                  (N:1) a thread that is not dispatched at spawn waits until the body blocks
//                  in a join, i.e. behind the rest of its batch's spawns.
//   exit_to_join   join_end - max(last, join_begin): from the moment join *could* return —
//                  the thread has finished and the body is asking — to the moment it did: the
//                  thread's exit path, the wake-up of the joiner, the join's bookkeeping.
//                  Measuring from `last` alone would charge a thread that exits early in its
//                  batch with the joins of every thread spawned before it (we join in spawn
//                  order); taking the later of the two keeps each figure about one join.
// Every figure includes about one clock read, reported as clock_overhead_ns: the median of
// 1,001 back-to-back now() pairs, measured once per repetition before the model starts.
//
// Two passes over `size` threads, both inside one M::run:
//   1. bare: each thread only writes its value; no timestamps. Timed as a whole (headline):
//      from the first spawn to the last join (the model's start-up and shut-down are not
//      counted). Six clock reads per thread would add ~6 * clock_overhead_ns (over 100 ns on
//      this machine) to a figure that is ~200 ns on the fastest model, so they stay out of it.
//   2. instrumented: the same, with the timestamps above; the percentiles come from it.
// Coroutine form (run_async): the same two passes on a stackless model; each thread is a
// coroutine that suspends nowhere, and each join is co_awaited.
// Checked: after each batch, every slot holds its thread's value (a thread that never ran, or
// ran twice into the wrong slot, is caught); and each thread's timestamps are ordered as the
// contract requires: create_begin <= first <= last <= join_end (a join that returned before
// the thread's last instruction is a broken join).
// Reported: ns_per_thread (headline: spawn + run + join of one thread), threads_per_s,
// create_{p50,p99,max}_ns, start_latency_{p50,p99,max}_ns, exit_to_join_{p50,p99,max}_ns,
// clock_overhead_ns.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct spawn_join {
  static constexpr std::string_view name = "spawn_join";
  static constexpr std::string_view description =
      "spawn and join trivial threads in batches of 100: ns per thread; create, start and "
      "exit-to-join latencies";
  static constexpr capability requires_caps = capability::none;
  static constexpr std::uint64_t default_size = 10'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (threads created and
  // joined).
  static constexpr std::uint64_t smoke_size = 300;
  static constexpr std::uint64_t trace_size = 200;
  // batch_size — threads alive at once. 100 keeps a 1:1 model far from its limits while still
  // letting a scheduler overlap spawns; it is a choice, not a tuned value.
  static constexpr std::uint64_t batch_size = 100;
  // clock_pairs — back-to-back now() pairs whose median is the clock's overhead: odd, so the
  // median is one of them; enough that a preemption or two cannot move it.
  static constexpr std::size_t clock_pairs = 1'001;

  using time_point = bench_clock::time_point;

  // spawner_times — one thread's timestamps taken by the body. Written only by the body.
  struct spawner_times {
    time_point create_begin;
    time_point create_end;
    time_point join_begin;
    time_point join_end;
  };

  // thread_times — one thread's own timestamps and value. Written only by that thread; read by
  // the body after join (join orders the writes before the reads). A cache line each, so that
  // neighbouring threads running on other cores do not slow each other down.
  struct alignas(64) thread_times {
    time_point first;
    time_point last;
    std::uint64_t value = 0;
  };

  // clock_overhead_ns() — the median cost of one bench_clock::now(), from back-to-back pairs.
  static double clock_overhead_ns() {
    std::array<double, clock_pairs> gaps{};
    for (double& gap : gaps) {
      const time_point a = bench_clock::now();
      const time_point b = bench_clock::now();
      gap = elapsed_ns(a, b);
    }
    auto middle = gaps.begin() + clock_pairs / 2;
    std::nth_element(gaps.begin(), middle, gaps.end());
    return *middle;
  }

  // records — what both passes write: the body's and each thread's timestamps, and the values.
  struct records {
    std::uint64_t batch = 0;  // threads alive at once
    double clock_ns = 0;      // clock_overhead_ns(), measured before the run
    std::vector<spawner_times> by_body;
    std::vector<thread_times> by_thread;
    std::vector<std::uint64_t> values;  // pass 1: thread i writes i + 1 into values[i]
    double total_ns = 0;                // pass 1, the headline
  };

  // run<M>(opts, size) — spawns and joins `size` threads. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    records r = prepare<M>(opts, size);
    M::run(opts, [&] {
      // Joined one at a time in spawn order, so that pass 2 can time each join.
      support::thread_group<M> threads(r.batch);

      // Pass 1, bare: the headline.
      const auto start = bench_clock::now();
      for (std::uint64_t first = 0; first < size; first += r.batch) {
        const std::uint64_t count = std::min(r.batch, size - first);
        for (std::uint64_t i = first; i < first + count; ++i) {
          std::uint64_t* slot = &r.values[i];
          const std::uint64_t value = i + 1;
          threads.spawn([slot, value] { *slot = value; });
        }
        threads.join_all();
        check_batch([&](std::uint64_t i) { return r.values[i]; }, first, count);
      }
      r.total_ns = elapsed_ns(start, bench_clock::now());

      // Pass 2, instrumented: the lifecycle figures.
      for (std::uint64_t first = 0; first < size; first += r.batch) {
        const std::uint64_t count = std::min(r.batch, size - first);
        for (std::uint64_t i = first; i < first + count; ++i) {
          thread_times* mine = &r.by_thread[i];
          const std::uint64_t value = i + 1;
          r.by_body[i].create_begin = bench_clock::now();
          threads.spawn([mine, value] { record_life(mine, value); });
          r.by_body[i].create_end = bench_clock::now();
        }
        threads.join_all(join_timer{&r.by_body[first]});
        check_batch([&](std::uint64_t i) { return r.by_thread[i].value; }, first, count);
      }
    });
    return report<M>(r);
  }

  // run_async<M>(opts, size) — run's coroutine form: the same two passes, each thread a
  // coroutine, each join co_awaited.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    records r = prepare<M>(opts, size);
    M::run(opts, [&]() -> task {
      support::async_thread_group<M> threads(r.batch);

      const auto start = bench_clock::now();
      for (std::uint64_t first = 0; first < size; first += r.batch) {
        const std::uint64_t count = std::min(r.batch, size - first);
        for (std::uint64_t i = first; i < first + count; ++i) {
          std::uint64_t* slot = &r.values[i];
          const std::uint64_t value = i + 1;
          threads.spawn([slot, value]() -> task {
            *slot = value;
            co_return;
          });
        }
        co_await threads.join_all();
        check_batch([&](std::uint64_t i) { return r.values[i]; }, first, count);
      }
      r.total_ns = elapsed_ns(start, bench_clock::now());

      for (std::uint64_t first = 0; first < size; first += r.batch) {
        const std::uint64_t count = std::min(r.batch, size - first);
        for (std::uint64_t i = first; i < first + count; ++i) {
          thread_times* mine = &r.by_thread[i];
          const std::uint64_t value = i + 1;
          r.by_body[i].create_begin = bench_clock::now();
          threads.spawn([mine, value]() -> task {
            record_life(mine, value);
            co_return;
          });
          r.by_body[i].create_end = bench_clock::now();
        }
        co_await threads.join_all(join_timer{&r.by_body[first]});
        check_batch([&](std::uint64_t i) { return r.by_thread[i].value; }, first, count);
      }
    });
    return report<M>(r);
  }

 private:
  // prepare<M>(opts, size) — the batch size on M, the clock's overhead, and room for every record.
  // Throws std::invalid_argument when size is 0.
  template <class M>
  static records prepare(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("spawn_join: size must be at least 1");
    records r;
    r.batch = std::min({batch_size, support::spawn_budget<M>(opts), size});
    r.clock_ns = clock_overhead_ns();
    r.by_body.resize(size);
    r.by_thread.resize(size);
    r.values.assign(size, 0);
    return r;
  }

  // check_batch(value_of, first, count) — every thread of the batch wrote its own value.
  // Inside the timed region: a scan of at most 100 slots, small beside 100 spawns.
  template <class ValueOf>
  static void check_batch(ValueOf value_of, std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t i = first; i < first + count; ++i) {
      if (value_of(i) != i + 1) {
        support::fail("spawn_join: value written by thread " + std::to_string(i), i + 1,
                      value_of(i));
      }
    }
  }

  // record_life(mine, value) — an instrumented thread's whole body: its first and last
  // instruction stamped around writing its value.
  static void record_life(thread_times* mine, std::uint64_t value) {
    mine->first = bench_clock::now();
    mine->value = value;
    mine->last = bench_clock::now();
  }

  // report<M>(r) — both forms' check (create_begin <= first <= last <= join_end for every
  // thread of pass 2) and sample: the headline and the lifecycle distributions.
  template <class M>
  static sample report(const records& r) {
    const std::uint64_t size = r.by_body.size();
    std::vector<double> create(size), start_latency(size), exit_to_join(size);
    for (std::uint64_t i = 0; i < size; ++i) {
      const spawner_times& b = r.by_body[i];
      const thread_times& t = r.by_thread[i];
      if (!(b.create_begin <= t.first && t.first <= t.last && t.last <= b.join_end)) {
        throw wrong_result("spawn_join: thread " + std::to_string(i) +
                           "'s timestamps are out of order (create_begin <= first <= last <= "
                           "join_end): its join returned before it finished, or it ran before "
                           "it was spawned");
      }
      create[i] = elapsed_ns(b.create_begin, b.create_end);
      start_latency[i] = elapsed_ns(b.create_begin, t.first);
      exit_to_join[i] = elapsed_ns(std::max(t.last, b.join_begin), b.join_end);
    }

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_thread", "ns", support::per_unit(r.total_ns, size)),
        support::metric("threads_per_s", "threads/s", support::per_second(size, r.total_ns), false),
    };
    append_distribution(s, "create", create);
    append_distribution(s, "start_latency", start_latency);
    append_distribution(s, "exit_to_join", exit_to_join);
    s.metrics.push_back(support::metric("clock_overhead_ns", "ns", r.clock_ns));
    s.check = "in both passes each of " + support::grouped(size) +
              " threads wrote its own value; create <= first <= last <= join return";
    if (r.batch < batch_size && r.batch < size) {
      s.note = "batches of " + support::grouped(r.batch) + " (thread_limit " +
               support::grouped(M::thread_limit) + ")";
    }
    return s;
  }

  // join_timer — support::thread_group join hooks that stamp join_begin / join_end of the
  // batch's entries in by_body, in spawn order. Precondition: batch has an entry for every
  // thread of the group.
  struct join_timer {
    spawner_times* batch;
    void before_join(std::size_t k) const noexcept { batch[k].join_begin = bench_clock::now(); }
    void after_join(std::size_t k) const noexcept { batch[k].join_end = bench_clock::now(); }
  };

  // append_distribution(s, figure, values) — <figure>_p50_ns, _p99_ns and _max_ns of values.
  static void append_distribution(sample& s, const std::string& figure,
                                  std::vector<double>& values) {
    s.metrics.push_back(
        support::metric(figure + "_p50_ns", "ns", support::percentile(values, 0.50)));
    s.metrics.push_back(
        support::metric(figure + "_p99_ns", "ns", support::percentile(values, 0.99)));
    s.metrics.push_back(
        support::metric(figure + "_max_ns", "ns", support::percentile(values, 1.0)));
  }
};

}  // namespace threadlab::workloads
