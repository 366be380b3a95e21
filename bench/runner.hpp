// bench/runner.hpp — runs a selection of pairs and baselines and turns their samples into
// records: each one isolated in its own child process (bench/isolation.hpp), summarized per
// metric (bench/statistics.hpp). A failing pair becomes an error record; it never loses the
// others' results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "bench/registry.hpp"
#include "bench/results.hpp"

namespace threadlab {

// selection — what to run, as pointers into one registry, in report order.
struct selection {
  std::vector<const pair_entry*> pairs;
  std::vector<const baseline_entry*> baselines;

  std::size_t size() const { return pairs.size() + baselines.size(); }
};

// select_all(reg) — every pair and every baseline of reg.
selection select_all(const registry& reg);

// runner_options — how each pair is run.
struct runner_options {
  unsigned warmup = 1;
  unsigned repetitions = 5;           // >= 1
  double timeout_s = 60;              // watchdog deadline per run, > 0
  run_options model_options;          // workers, stack size
  std::optional<std::uint64_t> size;  // nullopt: each workload's default_size
  // states — give each repetition a tracer and append its state accounting to the sample
  // (bench/states.hpp: ready_share, running_share, blocked_share, switches, mean_slice_ns).
  bool states = false;
  // progress(done, total, record) — called after each record is complete, from the caller's
  // thread; may be empty.
  std::function<void(std::size_t, std::size_t, const record&)> progress;
};

// summarize_samples(samples) — one metric_summary per metric of the first sample, in its
// order, each over every sample's value of the metric of that name. Throws wrong_result when a
// later sample lacks a metric of the first or changes its unit (a workload bug).
std::vector<metric_summary> summarize_samples(const std::vector<sample>& samples);

// run_pair(reg, pair, opts) — the record of one pair: skipped (with the pair's reason) when the
// pair has no runner, else measured in a child process.
record run_pair(const registry& reg, const pair_entry& pair, const runner_options& opts);

// run_baseline(baseline, opts) — the record of one baseline, measured in a child process.
record run_baseline(const baseline_entry& baseline, const runner_options& opts);

// run_selection(reg, sel, opts) — every record of sel: pairs first, then baselines.
// Precondition: called from a single-threaded process (see bench/isolation.hpp).
std::vector<record> run_selection(const registry& reg, const selection& sel,
                                  const runner_options& opts);

}  // namespace threadlab
