// bench/workloads/parallel_compute.hpp — CPU-bound fan-out / fan-in, against one core.
//
// What it shows: whether a model turns cores into speed. The same work is done twice in one
// repetition: once by a plain loop on the calling kernel thread (outside the model), once split
// into chunks that run as threads of the model. A model that runs on one core (N:1) scores
// about 1x; a multicore model approaches the number of cores it was given.
//
// How: `size` work units; unit u is a chain of `rounds` dependent multiply-xorshift steps
// seeded with u (each step needs the previous one, and the result depends on every step, so
// the compiler can neither skip nor shortcut it). The model run splits the units into
// max(64, 4 * workers) chunks, one thread each; each thread writes its chunk's sum into its own
// slot, and the body adds the slots after joining.
//
// Coroutine form (run_async): the same chunks as coroutine threads that never suspend.
//
// Timed: the sequential loop, and separately the model run from before the first spawn to
// after the last join (M::run's own start-up is not counted).
// Checked: both runs produce the same 64-bit sum (wrapping addition does not depend on how
// the units are grouped).
// Reported: speedup (headline: sequential time / model time, higher is better), model_ms,
// sequential_ms.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct parallel_compute {
  static constexpr std::string_view name = "parallel_compute";
  static constexpr std::string_view description =
      "CPU-bound work split into chunks, one thread each: speedup over one core";
  static constexpr capability requires_caps = capability::none;
  // default_size — work units; chosen so that the sequential loop takes about 100 ms on the
  // 2-core development machine (about 25 ns per unit). Measured, not derived.
  static constexpr std::uint64_t default_size = 4'000'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (work units: few
  // threads, little switching).
  static constexpr std::uint64_t smoke_size = 20'000;
  static constexpr std::uint64_t trace_size = 100'000;
  // rounds — dependent steps per unit: enough that a unit costs far more than the loop around
  // it, few enough that a chunk stays short.
  static constexpr int rounds = 16;
  static constexpr std::uint64_t min_chunks = 64;

  // unit(u) — the result of work unit u: `rounds` multiply-xorshift steps (the finalizer of
  // splitmix64, Steele et al. 2014) chained from u.
  static constexpr std::uint64_t unit(std::uint64_t u) {
    std::uint64_t x = u;
    for (int r = 0; r < rounds; ++r) {
      x += 0x9e3779b97f4a7c15ull;
      x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
      x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
      x ^= x >> 31;
    }
    return x;
  }

  // range_sum(first, last) — the wrapping sum of unit(u) for u in [first, last).
  static std::uint64_t range_sum(std::uint64_t first, std::uint64_t last) {
    std::uint64_t sum = 0;
    for (std::uint64_t u = first; u < last; ++u) sum += unit(u);
    return sum;
  }

  // sequential — the reference run, on the calling kernel thread outside the model.
  struct sequential {
    std::uint64_t chunks = 0;  // the model run's chunks
    std::uint64_t sum = 0;
    double ns = 0;
  };

  // run<M>(opts, size) — the same `size` units sequentially and on the model.
  // Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const sequential seq = run_sequential<M>(opts, size);
    std::vector<std::uint64_t> partial(seq.chunks, 0);  // slot c: written by chunk c's thread
    std::uint64_t model_sum = 0;
    double model_ns = 0;

    M::run(opts, [&] {
      support::thread_group<M> group(seq.chunks);
      const auto start = bench_clock::now();
      for (std::uint64_t c = 0; c < seq.chunks; ++c) {
        const std::uint64_t first = size * c / seq.chunks;
        const std::uint64_t last = size * (c + 1) / seq.chunks;
        std::uint64_t* slot = &partial[c];
        group.spawn([slot, first, last] { *slot = range_sum(first, last); });
      }
      group.join_all();
      std::uint64_t sum = 0;
      for (std::uint64_t p : partial) sum += p;
      model_sum = sum;
      model_ns = elapsed_ns(start, bench_clock::now());
    });
    return report(size, seq, model_sum, model_ns);
  }

  // run_async<M>(opts, size) — run's coroutine form: each chunk is a coroutine thread that
  // computes without suspending; the body co_awaits the joins.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    const sequential seq = run_sequential<M>(opts, size);
    std::vector<std::uint64_t> partial(seq.chunks, 0);
    std::uint64_t model_sum = 0;
    double model_ns = 0;

    M::run(opts, [&]() -> task {
      support::async_thread_group<M> group(seq.chunks);
      const auto start = bench_clock::now();
      for (std::uint64_t c = 0; c < seq.chunks; ++c) {
        const std::uint64_t first = size * c / seq.chunks;
        const std::uint64_t last = size * (c + 1) / seq.chunks;
        std::uint64_t* slot = &partial[c];
        group.spawn([slot, first, last]() -> task {
          *slot = range_sum(first, last);
          co_return;
        });
      }
      co_await group.join_all();
      std::uint64_t sum = 0;
      for (std::uint64_t p : partial) sum += p;
      model_sum = sum;
      model_ns = elapsed_ns(start, bench_clock::now());
    });
    return report(size, seq, model_sum, model_ns);
  }

 private:
  // run_sequential<M>(opts, size) — the chunks M's run will use, and the sequential loop timed.
  // Throws std::invalid_argument when size is 0.
  template <class M>
  static sequential run_sequential(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("parallel_compute: size must be at least 1");
    sequential seq;
    seq.chunks = std::min({std::max<std::uint64_t>(min_chunks, 4ull * resolved_workers(opts)),
                           support::spawn_budget<M>(opts), size});
    const auto seq_start = bench_clock::now();
    seq.sum = range_sum(0, size);
    seq.ns = elapsed_ns(seq_start, bench_clock::now());
    return seq;
  }

  // report(size, seq, model_sum, model_ns) — both forms' check (the model's sum is the
  // sequential one) and sample.
  static sample report(std::uint64_t size, const sequential& seq, std::uint64_t model_sum,
                       double model_ns) {
    support::expect_equal("parallel_compute: model sum vs sequential sum", seq.sum, model_sum);

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("speedup", "x", model_ns > 0 ? seq.ns / model_ns : 0.0, false),
        support::metric("model_ms", "ms", model_ns / 1e6),
        support::metric("sequential_ms", "ms", seq.ns / 1e6),
    };
    s.check = "model sum = sequential sum = " + std::to_string(seq.sum) + " over " +
              support::grouped(seq.chunks) + " chunks";
    return s;
  }
};

}  // namespace threadlab::workloads
