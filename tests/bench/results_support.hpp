// tests/bench/results_support.hpp — hand-made results for the HTML report's tests: records of any
// workload, model and sweep point, with the headline and, on request, the lifecycle and state
// metrics that real workloads add.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/run/results.hpp"

namespace threadlab::testing {

// metric_of(name, unit, lower, values) — a metric summarized over values.
inline metric_summary metric_of(std::string name, std::string unit, bool lower,
                                std::vector<double> values) {
  return metric_summary{std::move(name), std::move(unit), lower, summarize(values), values};
}

// measured(workload, model, ns, workers, size) — an ok record whose headline is ns_per_op,
// three repetitions around ns, run at (workers, size).
inline record measured(std::string workload, std::string model, double ns, unsigned workers = 2,
                       std::optional<std::uint64_t> size = std::nullopt) {
  record r;
  r.workload = std::move(workload);
  r.model = std::move(model);
  r.workers = workers;
  r.requested_size = size;
  r.size = size.value_or(1000);
  r.configuration = r.model + " with " + std::to_string(workers) + " workers";
  r.metrics = {metric_of("ns_per_op", "ns", true, {ns * 0.95, ns, ns * 1.05}),
               metric_of("ops_per_s", "ops/s", false, {1e9 / ns})};
  return r;
}

// not_measured(workload, model, status, reason) — a skipped or failed record.
inline record not_measured(std::string workload, std::string model, record_status status,
                           std::string reason, unsigned workers = 2) {
  record r;
  r.workload = std::move(workload);
  r.model = std::move(model);
  r.status = status;
  r.reason = std::move(reason);
  r.workers = workers;
  return r;
}

// with_lifecycle(r) — r with spawn_join's percentiles (create, start, exit-join; p50 < p99 <
// max) and the clock's cost.
inline record with_lifecycle(record r) {
  for (const char* figure : {"create", "start_latency", "exit_to_join"}) {
    double v = 100;
    for (const char* q : {"p50", "p99", "max"}) {
      r.metrics.push_back(metric_of(std::string(figure) + "_" + q + "_ns", "ns", true, {v, v}));
      v *= 10;
    }
  }
  r.metrics.push_back(metric_of("clock_overhead_ns", "ns", true, {20, 21}));
  return r;
}

// with_states(r) — r with --states' shares (20% ready, 50% running, 30% blocked), switches and
// the mean slice, and the note saying where they came from.
inline record with_states(record r) {
  r.metrics.push_back(metric_of("ready_share", "%", true, {20}));
  r.metrics.push_back(metric_of("running_share", "%", false, {50}));
  r.metrics.push_back(metric_of("blocked_share", "%", true, {30}));
  r.metrics.push_back(metric_of("switches", "switches", true, {1234}));
  r.metrics.push_back(metric_of("mean_slice_ns", "ns", true, {2500}));
  r.note = "states: " + r.model + ": every transition observed";
  return r;
}

// environment_of_tests() — a complete environment.
inline environment environment_of_tests() {
  environment e;
  e.cpu_model = "Test CPU";
  e.cpu_governor = "performance";
  e.logical_cores = 4;
  e.cores_used = 2;
  e.kernel = "Linux 6.1 x86_64";
  e.compiler = "GCC 12.2.0";
  e.cxx_flags = "-O2 -DNDEBUG";
  e.build_type = "Release";
  e.boost_version = "1.74.0";
  e.git_revision = "0123456789abcdef";
  e.git_dirty = false;
  e.date_utc = "2026-12-01T00:00:00Z";
  e.hostname = "box";
  return e;
}

}  // namespace threadlab::testing
