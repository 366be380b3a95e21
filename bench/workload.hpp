// bench/workload.hpp — what a workload is, and what one run of it returns.
//
// A workload is a struct with static members (see bench/workloads/skynet.hpp for a full one):
//
//   struct my_workload {
//     static constexpr std::string_view name = "my_workload";
//     static constexpr std::string_view description = "one line for `threadlab list`";
//     static constexpr capability requires_caps = capability::waits_on_threads;
//     static constexpr std::uint64_t default_size = 10'000;  // `threadlab run`
//     static constexpr std::uint64_t smoke_size = 200;       // the test suite: milliseconds
//     static constexpr std::uint64_t trace_size = 1'000;     // `threadlab trace`: a readable trace
//     template <model M> static sample run(const run_options& opts, std::uint64_t size);
//   };
//
// A workload may also give a *coroutine form* beside run, in the same file:
//
//     template <stackless_model M> static sample run_async(const run_options& opts,
//                                                          std::uint64_t size);
//
// the same work on a stackless model (bench/model.hpp): the body given to M::run and every
// thread's function are coroutines returning M::task<void>, and every wait is a co_await. Both
// forms share the workload's sizes, its operation count and its result check (a function of the
// workload both call), so their figures compare. A workload without one is skipped on stackless
// models, with the reason under the table (no_coroutine_form_reason, bench/run/registry.hpp).
//
// run() enters the model with M::run, does the work `size` times (or at the scale `size`
// names), times the part that matters with a monotonic clock, checks its own result (throwing
// `wrong_result` when it is wrong: a wrong sum is an error, never a number) and returns the
// metrics of that one repetition. The runner does warm-up, repetitions and statistics.
//
// Optional: `static std::uint64_t threads_at(std::uint64_t size)` — how many threads of the
// model the workload keeps alive at once at `size` (increasing with size), the body included,
// for the estimate of whether an asked size fits this machine (bench/run/capacity.hpp). A
// workload without it is not estimated (threads_at_of below).
//
// The three sizes are in the workload's own unit (threads, round trips, leaves...). smoke_size is
// what tests/workloads_smoke runs on every model (the whole suite takes seconds); trace_size is
// what `threadlab trace` runs when --size is not given (a few thousand state changes, so each
// span stays visible when the whole run is on screen).
//
// Adding a workload: one file in bench/workloads/, one line in `all_workloads`
// (bench/workloads/all.hpp). Nothing else lists workloads: the registry, the command line, the
// tracer and the smoke tests all iterate that list.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench/model.hpp"

namespace threadlab {

// metric_value — one measured figure of one repetition.
struct metric_value {
  std::string name;  // "ns_per_leaf"
  std::string unit;  // "ns", "ops/s", "x", "bytes"
  double value = 0;
  bool lower_is_better = true;  // false for throughput and speedup
};

// sample — the outcome of one repetition of one workload on one model. The first metric is
// the headline figure the summary table shows.
struct sample {
  std::vector<metric_value> metrics;
  std::uint64_t size = 0;  // the size actually run
  bool scaled = false;     // true when the model's thread_limit forced a smaller size
  std::string note;        // e.g. "scaled to 10,000 leaves: 1:1 cannot hold 1,111,111 threads"
  std::string check;       // what was checked, e.g. "sum = 499999500000"
};

// wrong_result — a workload computed a wrong answer. The runner reports it as an error.
class wrong_result : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// workload — the static shape every workload has.
template <class W>
concept workload = requires {
  { W::name } -> std::convertible_to<std::string_view>;
  { W::description } -> std::convertible_to<std::string_view>;
  { W::requires_caps } -> std::convertible_to<capability>;
  { W::default_size } -> std::convertible_to<std::uint64_t>;
  { W::smoke_size } -> std::convertible_to<std::uint64_t>;
  { W::trace_size } -> std::convertible_to<std::uint64_t>;
};

// has_coroutine_form<W, M> — W gives run_async for the stackless model M.
template <class W, class M>
concept has_coroutine_form = requires {
  &W::template run_async<M>;
};

// runs_on<W, M>() — the pair is never skipped: M has every capability W requires, and W has a
// form for M's kind (run for a stackful model, run_async for a stackless one).
template <class W, class M>
constexpr bool runs_on() {
  if constexpr (!has(M::capabilities, W::requires_caps)) {
    return false;
  } else if constexpr (is_stackless<M>) {
    return has_coroutine_form<W, M>;
  } else {
    return true;
  }
}

// run_form<W, M>(opts, size) — one repetition of W on M in the form M's kind runs: W::run<M> or
// W::run_async<M>. What the catalogue stores for the pair and the tests call. Precondition:
// runs_on<W, M>().
template <class W, class M>
sample run_form(const run_options& opts, std::uint64_t size) {
  if constexpr (is_stackless<M>) {
    return W::template run_async<M>(opts, size);
  } else {
    return W::template run<M>(opts, size);
  }
}

// baseline — a measurement beside the models, with no model (a bare context switch: the floor
// a model's switch is built from). Workload-shaped, but `static sample run(std::uint64_t size)`
// takes no model, needs no capability and has nothing to trace.
template <class B>
concept baseline = requires(std::uint64_t size) {
  { B::name } -> std::convertible_to<std::string_view>;
  { B::description } -> std::convertible_to<std::string_view>;
  { B::default_size } -> std::convertible_to<std::uint64_t>;
  { B::smoke_size } -> std::convertible_to<std::uint64_t>;
  { B::run(size) } -> std::same_as<sample>;
};

// threads_at_of<W>() — &W::threads_at for a workload that declares it, else nullptr.
template <class W>
constexpr auto threads_at_of() -> std::uint64_t (*)(std::uint64_t) {
  if constexpr (requires(std::uint64_t size) {
                  { W::threads_at(size) } -> std::same_as<std::uint64_t>;
                }) {
    return &W::threads_at;
  } else {
    return nullptr;
  }
}

// Timing helpers shared by workloads.
using bench_clock = std::chrono::steady_clock;

inline double elapsed_ns(bench_clock::time_point from, bench_clock::time_point to) {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

}  // namespace threadlab
