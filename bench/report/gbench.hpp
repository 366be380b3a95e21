// bench/report/gbench.hpp — results in Google Benchmark's JSON format, so tools that read
// Google Benchmark output (compare.py, dashboards) read ours:
//
//   {"context": {date, host_name, executable, num_cpus, library_build_type, ...},
//    "benchmarks": [{"name": "skynet/green", "run_name": "skynet/green", "run_type":
//                    "aggregate", "aggregate_name": "median", "iterations": <repetitions>,
//                    "real_time": <ns>, "cpu_time": <ns>, "time_unit": "ns", <metric>: ...}]}
//
// One entry per measured record. A headline metric in a time unit becomes real_time and
// cpu_time (our workloads measure wall time only, so cpu_time repeats it); every metric's
// median is also given as a user counter named after it, as Google Benchmark does for counters.
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_gbench(res) — the Google-Benchmark-compatible JSON text of res.
std::string render_gbench(const results& res);

}  // namespace threadlab
