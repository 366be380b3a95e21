// bench/run/runner.hpp — runs a selection of pairs and baselines and turns their samples into
// records: each one isolated in its own child process (bench/run/isolation.hpp), summarized per
// metric (bench/run/statistics.hpp). A failing pair becomes an error record; it never loses the
// others' results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/run/parameters.hpp"
#include "bench/run/registry.hpp"
#include "bench/run/results.hpp"

namespace threadlab {

// selection — what to run, as pointers into one registry, in report order.
struct selection {
  std::vector<const pair_entry*> pairs;
  std::vector<const baseline_entry*> baselines;

  std::size_t size() const { return pairs.size() + baselines.size(); }
};

// unknown_name — select() was given a name the registry does not hold. what() is the one-line
// message the command line prints: "unknown model 'x'; valid models: kernel, green, ...".
class unknown_name : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// select(reg, workloads, models) — the pairs and baselines of reg that these names ask for, in
// registry order; the one place names are checked against the registry. An empty list means
// all. workloads may name workloads and baselines; baselines come along whenever no workload is
// named, as the floor the models are read against. Throws unknown_name for the first name reg
// does not hold (an empty name, from "a,,b", included).
selection select(const registry& reg, const std::vector<std::string>& workloads = {},
                 const std::vector<std::string>& models = {});

// model_options(p) — what a model's world is given: p's workers (resolved by the caller), stack
// size, and whether the size was asked for explicitly (run_options::size_given: then the
// workloads run it exactly, never scaled to a model's thread budget).
run_options model_options(const parameters& p);

// sweep_point — one point of a sweep: the workers and the size (nullopt: each workload's own).
struct sweep_point {
  unsigned workers = 0;
  std::optional<std::uint64_t> size;
};

// runner_options — how each pair is run.
struct runner_options {
  parameters params;  // warm-up, repetitions, watchdog, workers (resolved: not 0), sizes
  // states — give each repetition a tracer and append its state accounting to the sample
  // (trace/states.hpp: ready_share, running_share, blocked_share, switches, mean_slice_ns).
  bool states = false;
  // starting(index, total, workload, model, point) — called before each pair or baseline runs
  // (index counts from 0; model is "baseline" for a baseline), from the caller's thread; may
  // be empty.
  std::function<void(std::size_t, std::size_t, const std::string&, const std::string&,
                     const sweep_point&)>
      starting;
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

// sweep_points(params) — the points a run visits, in order: each value of workers_sweep (or
// workers alone) with each value of size_sweep (or size alone), workers outermost.
std::vector<sweep_point> sweep_points(const parameters& params);

// run_selection(reg, sel, opts) — every record of sel at every point of opts.params
// (sweep_points): per point, pairs first, then baselines, each record naming its point. When an
// interrupt arrives (inside an interrupt_scope, bench/run/interruption.hpp), the record in
// progress is the last one, with status interrupted: nothing after it runs.
// Precondition: called from a single-threaded process (see bench/run/isolation.hpp); the
// workers of every point are resolved (not 0).
std::vector<record> run_selection(const registry& reg, const selection& sel,
                                  const runner_options& opts);

}  // namespace threadlab
