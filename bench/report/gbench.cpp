// bench/report/gbench.cpp — Google Benchmark JSON output.
#include "bench/report/gbench.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace threadlab {

namespace {
// nanoseconds(value, unit) — value in ns when unit is a time unit, else -1.
double nanoseconds(double value, const std::string& unit) {
  if (unit == "ns") return value;
  if (unit == "us" || unit == "µs") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return -1;
}
}  // namespace

std::string render_gbench(const results& res) {
  using json = nlohmann::ordered_json;
  json benchmarks = json::array();
  for (const record& r : res.records) {
    if (r.status != record_status::ok || r.metrics.empty()) continue;
    // In a sweep each point is a benchmark of its own, named as Google Benchmark names its
    // arguments ("/threads:2").
    std::string name = r.workload + "/" + r.model;
    if (!res.params.workers_sweep.empty()) name += "/workers:" + std::to_string(r.workers);
    if (!res.params.size_sweep.empty() && r.requested_size) {
      name += "/size:" + std::to_string(*r.requested_size);
    }
    const metric_summary& head = r.metrics.front();
    const double ns = nanoseconds(head.stats.median, head.unit);
    json entry = {{"name", name},
                  {"run_name", name},
                  {"run_type", "aggregate"},
                  {"repetitions", res.params.repetitions},
                  {"threads", 1},
                  {"aggregate_name", "median"},
                  {"iterations", head.stats.count},
                  {"real_time", ns < 0 ? 0.0 : ns},
                  {"cpu_time", ns < 0 ? 0.0 : ns},
                  {"time_unit", "ns"}};
    for (const metric_summary& m : r.metrics) entry[m.name] = m.stats.median;
    benchmarks.push_back(std::move(entry));
  }
  json context = {{"date", res.env.date_utc},
                  {"host_name", res.env.hostname},
                  {"executable", "threadlab"},
                  {"num_cpus", res.env.logical_cores},
                  {"mhz_per_cpu", 0},
                  {"cpu_scaling_enabled", false},
                  {"caches", json::array()},
                  {"library_build_type", res.env.build_type == "Debug" ? "debug" : "release"},
                  {"threadlab_schema", "threadlab.results/1"},
                  {"git_revision", res.env.git_revision}};
  return json{{"context", context}, {"benchmarks", benchmarks}}.dump(2) + "\n";
}

}  // namespace threadlab
