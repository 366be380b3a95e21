// bench/report/gbench.cpp — Google Benchmark JSON, written and read (format in
// bench/report/gbench.hpp).
#include "bench/report/gbench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "bench/report/json.hpp"

namespace threadlab {

using json = nlohmann::ordered_json;

namespace {

// nanoseconds(value, unit) — value in ns when unit is a time unit, else -1.
double nanoseconds(double value, const std::string& unit) {
  if (unit == "ns") return value;
  if (unit == "us" || unit == "µs") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return -1;
}

// benchmark_name(res, r) — "workload/model", with the swept parts of r's point appended.
std::string benchmark_name(const results& res, const record& r) {
  std::string name = r.workload + "/" + r.model;
  if (!res.params.workers_sweep.empty()) name += fmt::format("/workers:{}", r.workers);
  if (!res.params.size_sweep.empty()) {
    name += fmt::format("/size:{}", r.requested_size ? *r.requested_size : r.size);
  }
  return name;
}

// gbench_environment(context) — the environment a Google Benchmark context describes.
environment gbench_environment(const json& context) {
  if (context.contains("threadlab_environment")) {
    return environment_from_json(context.at("threadlab_environment"));
  }
  environment e;
  e.cpu_model = e.kernel = e.compiler = e.cxx_flags = e.boost_version = e.git_revision = "unknown";
  e.cpu_governor = unavailable;
  e.build_type = context.value("library_build_type", std::string("unknown"));
  e.hostname = context.value("host_name", std::string("unknown"));
  e.date_utc = context.value("date", std::string("unknown"));
  e.logical_cores = context.contains("num_cpus")
                        ? count_from_json<unsigned>(context.at("num_cpus"), "num_cpus")
                        : 0;
  return e;
}

// pending — one benchmark while its entries are read.
struct pending {
  std::vector<double> samples;  // ns, the iteration entries' real_time
  double median = -1;           // ns, the "median" aggregate; -1: none
  double mean = -1;             // ns, the "mean" aggregate; -1: none
  std::string error;            // error_message of an entry with error_occurred
  bool failed = false;
};

// real_time_ns(entry, name) — the entry's real_time in ns: finite and not negative.
double real_time_ns(const json& entry, const std::string& name) {
  if (!entry.contains("real_time") || !entry.at("real_time").is_number()) {
    throw std::runtime_error("benchmark '" + name + "' has no numeric real_time");
  }
  const std::string unit = entry.value("time_unit", std::string("ns"));
  if (nanoseconds(1, unit) < 0 || unit == "µs") {  // µs is our spelling, never Google Benchmark's
    throw std::runtime_error("benchmark '" + name + "' has unknown time_unit '" + unit +
                             "'; expected ns, us, ms or s");
  }
  // 1e308 s is a finite real_time and an infinite number of ns.
  const double ns = nanoseconds(entry.at("real_time").get<double>(), unit);
  if (!std::isfinite(ns) || ns < 0) {
    throw std::runtime_error("benchmark '" + name +
                             "' has a real_time that is negative or too large");
  }
  return ns;
}

}  // namespace

std::string render_gbench(const results& res) {
  json benchmarks = json::array();
  for (const record& r : res.records) {
    if (r.status != record_status::ok || r.metrics.empty()) continue;
    const std::string name = benchmark_name(res, r);
    const metric_summary& head = r.metrics.front();
    const bool timed = nanoseconds(1, head.unit) > 0;
    if (timed) {
      for (std::size_t i = 0; i < head.samples.size(); ++i) {
        const double ns = nanoseconds(head.samples[i], head.unit);
        benchmarks.push_back({{"name", name},
                              {"run_name", name},
                              {"run_type", "iteration"},
                              {"repetitions", head.samples.size()},
                              {"repetition_index", i},
                              {"threads", 1},
                              {"iterations", 1},
                              {"real_time", ns},
                              {"cpu_time", ns},
                              {"time_unit", "ns"}});
      }
    }
    const double ns = timed ? nanoseconds(head.stats.median, head.unit) : 0.0;
    json entry = {{"name", name + "_median"},
                  {"run_name", name},
                  {"run_type", "aggregate"},
                  {"repetitions", res.params.repetitions},
                  {"threads", 1},
                  {"aggregate_name", "median"},
                  {"iterations", head.stats.count},
                  {"real_time", ns},
                  {"cpu_time", ns},
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
                  {"git_revision", res.env.git_revision},
                  {"threadlab_environment", environment_to_json(res.env)}};
  return json{{"context", context}, {"benchmarks", benchmarks}}.dump(2) + "\n";
}

results results_from_gbench(const json& j) {
  if (!j.is_object() || !j.contains("benchmarks") || !j.at("benchmarks").is_array()) {
    throw std::runtime_error("not Google Benchmark JSON (no \"benchmarks\" array)");
  }
  try {
    results res;
    res.params.warmup = 0;       // unknown: Google Benchmark does not report its warm-up
    res.params.repetitions = 0;  // raised below to the most repetitions of one benchmark
    res.env = gbench_environment(j.contains("context") ? j.at("context") : json::object());
    std::vector<std::string> order;  // run_names in order of first appearance
    std::map<std::string, pending> by_name;
    for (const json& entry : j.at("benchmarks")) {
      if (!entry.is_object() || !entry.contains("name")) {
        throw std::runtime_error("a benchmark entry has no \"name\"");
      }
      const std::string name = entry.value("run_name", entry.at("name").get<std::string>());
      auto [it, added] = by_name.try_emplace(name);
      if (added) order.push_back(name);
      pending& p = it->second;
      if (entry.value("error_occurred", false)) {
        p.failed = true;
        p.error = entry.value("error_message", std::string("error_occurred"));
        continue;
      }
      const double ns = real_time_ns(entry, name);
      if (entry.value("run_type", std::string("iteration")) != "aggregate") {
        p.samples.push_back(ns);
      } else if (entry.value("aggregate_name", std::string()) == "median") {
        p.median = ns;
      } else if (entry.value("aggregate_name", std::string()) == "mean") {
        p.mean = ns;
      }
    }
    for (const std::string& name : order) {
      const pending& p = by_name.at(name);
      record r;
      r.workload = name;
      r.configuration = "read from Google Benchmark JSON";
      if (p.failed) {
        r.status = record_status::error;
        r.reason = p.error;
        res.records.push_back(std::move(r));
        continue;
      }
      metric_summary m{"real_time", "ns", /*lower_is_better=*/true, summarize(p.samples),
                       p.samples};
      if (p.samples.empty()) {
        // Aggregates only: a median (or mean) without the repetitions behind it.
        m.stats.median = m.stats.min = m.stats.max = p.median >= 0 ? p.median : p.mean;
        if (m.stats.median < 0) continue;  // only other aggregates (stddev, cv): nothing to show
      }
      res.params.repetitions =
          std::max(res.params.repetitions, static_cast<unsigned>(p.samples.size()));
      r.metrics.push_back(std::move(m));
      res.records.push_back(std::move(r));
    }
    return res;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed Google Benchmark JSON: ") + e.what());
  }
}

}  // namespace threadlab
