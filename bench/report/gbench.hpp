// bench/report/gbench.hpp — results in Google Benchmark's JSON format, both ways: written so that
// tools that read Google Benchmark output (compare.py, dashboards) read ours, and read so that
// `threadlab compare` can compare results from other tools.
//
//   {"context": {date, host_name, executable, num_cpus, library_build_type, ...},
//    "benchmarks": [{"name", "run_name", "run_type": "iteration" | "aggregate",
//                    "aggregate_name", "repetitions", "repetition_index", "iterations",
//                    "real_time", "cpu_time", "time_unit": "ns" | "us" | "ms" | "s", ...}]}
//
// Writing: per measured record whose headline metric is a time, one "iteration" entry per
// repetition (real_time: that repetition's value), as Google Benchmark writes with
// --benchmark_repetitions; then, for every measured record, one "aggregate" entry, the median.
// A headline that is not a time (a rate, a ratio) has no iteration entries and real_time 0 in
// its aggregate. Our workloads measure wall time only, so cpu_time repeats real_time. Every
// metric's median is also given in the aggregate as a user counter named after it, as Google
// Benchmark does for counters. A record's name is "workload/model", followed by "/workers:W"
// and "/size:N" when the run swept over that (bench/run/parameters.hpp), so names are unique.
// The context also carries the whole environment (`threadlab_environment`, as in
// bench/report/json.hpp), which standard Google Benchmark readers ignore.
//
// Reading: one record per run_name (its name when there is none), in order of first appearance:
// workload = the run_name, model empty, no point (workers 0, requested size unset), and one
// metric, "real_time" in ns (lower is better), whose samples are the real_times of its
// "iteration" entries (entries without a run_type are iterations too, as older versions wrote).
// A benchmark with aggregates only (--benchmark_report_aggregates_only) has no samples; its
// median is the "median" aggregate, else the "mean". An entry with error_occurred makes the
// record an error, with error_message as the reason. The environment is the context's
// `threadlab_environment` when present; otherwise host_name, num_cpus, library_build_type and
// date, with the fields the context lacks "unknown".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_gbench(res) — the Google-Benchmark-compatible JSON text of res.
std::string render_gbench(const results& res);

// results_from_gbench(j) — the results a Google Benchmark JSON document describes (see the file
// comment). Throws std::runtime_error naming the problem when j has no "benchmarks" array or an
// entry lacks a name, a numeric real_time or a known time_unit.
results results_from_gbench(const nlohmann::ordered_json& j);

}  // namespace threadlab
