// bench/report/json.hpp — the machine-readable report, schema "threadlab.results/1":
//
//   {"schema": "threadlab.results/1",
//    "environment": {cpu_model, logical_cores, cores_used, kernel, compiler, cxx_flags,
//                    cpu_governor, build_type, boost_version, git_revision,
//                    git_dirty (bool|null), date_utc, hostname},
//    "parameters":  {warmup, repetitions, timeout_s, workers, stack_size, size (int|null),
//                    workers_sweep: [int...], size_sweep: [int...]},
//    "records": [{workload, model ("baseline" for a baseline), status ("ok"|"skipped"|"error"),
//                 reason, workers, requested_size (int|null), size, scaled, note, check,
//                 configuration,
//                 metrics: [{name, unit, lower_is_better, median, min, max, mad, count, unstable,
//                            ci_low, ci_high, ci_level, samples: [...]}],
//                 rusage: {peak_rss_bytes, voluntary_ctx_switches, involuntary_ctx_switches}}]}
//
// ci_low / ci_high / ci_level: the median's confidence interval and its exact level (see
// bench/run/statistics.hpp). Files written before these fields existed are still read: the interval
// is recomputed from the samples; a missing cpu_governor reads as "unavailable"; records without
// workers and requested_size (written before sweeps) read them from the parameters.
//
// A results file written by render_json and read back by parse_results_json gives the same
// results. A later schema gets a new version suffix; readers reject versions they do not know.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/run/results.hpp"

namespace threadlab {

// results_schema — the schema id written to and required of every results file.
inline constexpr std::string_view results_schema = "threadlab.results/1";

// count_from_json<T>(v, what) — v as an unsigned integer that fits in T. number_from_json(v,
// what) — v as a finite number. Both throw std::runtime_error naming what when v is not one, so
// that a number read from a file is never converted out of range (undefined behaviour for a
// floating-point value: `"workers": 1e300`) nor read as infinite (a JSON number too large for a
// double, `1e999`, which the statistics and the U test cannot take).
template <class T>
T count_from_json(const nlohmann::ordered_json& v, std::string_view what) {
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<T>::max()) {
    throw std::runtime_error(std::string(what) + " is not an integer from 0 to " +
                             std::to_string(std::numeric_limits<T>::max()));
  }
  return static_cast<T>(v.get<std::uint64_t>());
}
double number_from_json(const nlohmann::ordered_json& v, std::string_view what);

// results_to_json(res) / render_json(res) — res as a JSON value / as indented text, keys in
// the order above.
nlohmann::ordered_json results_to_json(const results& res);
std::string render_json(const results& res);

// environment_to_json(e) / environment_from_json(j) — the "environment" object alone (also
// carried by the gbench report's context, bench/report/gbench.hpp). environment_from_json throws
// nlohmann::json::exception when a field is missing or has the wrong type, std::runtime_error
// when a count is out of range.
nlohmann::ordered_json environment_to_json(const environment& e);
environment environment_from_json(const nlohmann::ordered_json& j);

// results_from_json(j) — the results j describes. Throws std::runtime_error naming the problem
// when j is not a "threadlab.results/1" document.
results results_from_json(const nlohmann::ordered_json& j);

// parse_results_json(text) — results_from_json of text parsed as JSON; throws
// std::runtime_error when text is not JSON or not a results document.
results parse_results_json(std::string_view text);

}  // namespace threadlab
