// bench/run/results.hpp — what a harness run produces: one record per (workload, model) pair and
// per baseline, with the run's parameters and environment. Every report (table, json, csv,
// markdown, gbench) is a view of a `results`; the JSON report round-trips it exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/run/environment.hpp"
#include "bench/run/parameters.hpp"
#include "bench/run/statistics.hpp"

namespace threadlab {

// record_status — ok: measured; skipped: the model lacks a capability the workload requires
// (reason says which and why); error: the run failed, hung or crashed (reason says how);
// interrupted: SIGINT or SIGTERM stopped the run during this record (its completed repetitions
// are kept, and no record follows it).
enum class record_status { ok, skipped, error, interrupted };

std::string_view to_string(record_status s);
// parse_record_status(text) — the status named text; nullopt for an unknown name.
std::optional<record_status> parse_record_status(std::string_view text);

// metric_summary — one metric of a record over its repetitions.
struct metric_summary {
  std::string name;
  std::string unit;
  bool lower_is_better = true;
  summary stats;
  std::vector<double> samples;  // every repetition's value, in run order
};

// resource_usage — what the kernel counted for the child process that ran the pair (wait4),
// warm-ups included. The child is a fork of the harness, so peak RSS includes the harness's
// own few MiB; compare it between models, not as an absolute figure.
struct resource_usage {
  std::uint64_t peak_rss_bytes = 0;
  std::uint64_t voluntary_ctx_switches = 0;
  std::uint64_t involuntary_ctx_switches = 0;
};

// baseline_model — the `model` field of a baseline's record: baselines run with no model.
inline constexpr std::string_view baseline_model = "baseline";

// record — the outcome of one pair (or one baseline, with model == baseline_model).
struct record {
  std::string workload;
  std::string model;
  record_status status = record_status::ok;
  std::string reason;  // why skipped or errored; empty when ok
  // workers, requested_size — the point this record was run at: the workers of the run
  // (resolved, never 0) and the size asked for (nullopt: the workload's default). A sweep
  // (parameters.hpp) has one record per pair and point.
  unsigned workers = 0;
  std::optional<std::uint64_t> requested_size;
  std::uint64_t size = 0;               // the size actually run (from the last sample)
  bool scaled = false;                  // the model's thread_limit forced a smaller size
  std::string note;                     // the workload's note, e.g. how it was scaled
  std::string check;                    // what the workload checked, e.g. "sum = 499999500000"
  std::string configuration;            // the model's M::configuration for this run
  std::vector<metric_summary> metrics;  // the first is the headline figure
  resource_usage rusage;
  // dump — when the pair hung: what each of its threads was doing when the watchdog stopped it
  // (bench/run/hang_dump.hpp), several lines; empty otherwise.
  std::string dump;

  bool is_baseline() const { return model == baseline_model; }
};

// results — one harness run.
struct results {
  environment env;
  parameters params;  // as run: workers resolved, never 0
  std::vector<record> records;
  // interrupted — "SIGINT" or "SIGTERM" when the run was interrupted (the last record is the one
  // it interrupted), else empty; not_run — how many records of the selection were then never
  // started.
  std::string interrupted;
  std::size_t not_run = 0;

  // any_error() — true when some record is an error (the process then exits 1).
  bool any_error() const;
  // is_sweep() — true when the run visited more than one point (parameters.hpp).
  bool is_sweep() const { return !params.workers_sweep.empty() || !params.size_sweep.empty(); }
};

// split_by_point(res) — res cut into one results per point its records were run at (workers,
// requested_size), in the order the points first appear; each part keeps res's environment, and
// its parameters hold its point with no sweep lists, so every report of one point can draw it.
std::vector<results> split_by_point(const results& res);

// point_label(r) — the point of r's records in words, e.g. "2 workers, size 10,000" or
// "1 worker, each workload's default size".
std::string point_label(const results& r);

}  // namespace threadlab
