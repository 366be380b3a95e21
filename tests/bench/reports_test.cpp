// tests/bench/reports_test.cpp — every report format over one hand-made set of results.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/report/json.hpp"
#include "bench/report/report.hpp"
#include "text_support.hpp"

using namespace threadlab;

namespace {

metric_summary metric(std::string name, std::string unit, bool lower, std::vector<double> v) {
  metric_summary m{std::move(name), std::move(unit), lower, summarize(v), v};
  return m;
}

record ok_record(std::string workload, std::string model, double ns, bool unstable = false) {
  record r;
  r.workload = std::move(workload);
  r.model = std::move(model);
  r.workers = 2;
  r.size = 1000;
  r.check = "sum = 499500";
  r.configuration = r.model + " config, a \"quoted\", comma";
  r.metrics = {metric("ns_per_op", "ns", true,
                      unstable ? std::vector<double>{ns, ns * 2, ns * 0.5}
                               : std::vector<double>{ns, ns, ns}),
               metric("ops_per_s", "ops/s", false, {1e9 / ns})};
  r.rusage = {4096 * 1024, 12, 3};
  return r;
}

// sample_results() — two workloads on two models (one best each way, one unstable, one scaled),
// a skip, an error and a baseline.
results sample_results() {
  results res;
  res.env.cpu_model = "Fake CPU";
  res.env.cpu_governor = "performance";
  res.env.logical_cores = 2;
  res.env.cores_used = 2;
  res.env.kernel = "Linux 6.1 x86_64";
  res.env.compiler = "GCC 12.2.0";
  res.env.cxx_flags = "-O2 -DNDEBUG";
  res.env.build_type = "Release";
  res.env.boost_version = "1_74";
  res.env.git_revision = "abc123";
  res.env.git_dirty = true;
  res.env.date_utc = "2026-11-25T12:00:00Z";
  res.env.hostname = "box";
  res.params = parameters{1, 3, 60, 2, 0, std::nullopt, {}, {}};
  res.records.push_back(ok_record("spawn_join", "kernel", 20'000));
  res.records.push_back(ok_record("spawn_join", "green", 150, true));
  record scaled = ok_record("skynet", "kernel", 2e6);
  scaled.scaled = true;
  scaled.note = "scaled to 10,000 leaves";
  res.records.push_back(scaled);
  record skipped;
  skipped.workload = "skynet";
  skipped.model = "green";
  skipped.status = record_status::skipped;
  skipped.reason = "model green lacks multicore: because";
  res.records.push_back(skipped);
  record error;
  error.workload = "ring";
  error.model = "green";
  error.status = record_status::error;
  error.reason = "hung: workload ring on model green did not finish repetition 2 within 60 s";
  res.records.push_back(error);
  res.records.push_back(ok_record("context_switch", std::string(baseline_model), 8));
  return res;
}

using threadlab::testing::contains;

}  // namespace

TEST_CASE("report json: parses with nlohmann and follows the schema") {
  const auto j = nlohmann::json::parse(render(report_format::json, sample_results()));
  CHECK(j.at("schema") == "threadlab.results/1");
  CHECK(j.at("environment").at("git_dirty") == true);
  CHECK(j.at("parameters").at("size").is_null());
  REQUIRE(j.at("records").size() == 6);
  const auto& first = j.at("records")[0];
  CHECK(first.at("status") == "ok");
  CHECK(first.at("metrics")[0].at("name") == "ns_per_op");
  CHECK(first.at("metrics")[0].at("samples").size() == 3);
  CHECK(first.at("rusage").at("voluntary_ctx_switches") == 12);
  // The median's interval: 3 identical samples give a point at 75%.
  CHECK(first.at("metrics")[0].at("ci_low") == 20'000);
  CHECK(first.at("metrics")[0].at("ci_high") == 20'000);
  CHECK(first.at("metrics")[0].at("ci_level").get<double>() == doctest::Approx(0.75));
  CHECK(j.at("environment").at("cpu_governor") == "performance");
  CHECK(j.at("records")[3].at("status") == "skipped");
  CHECK(j.at("records")[4].at("status") == "error");
}

TEST_CASE("report json: write, read back, same records") {
  const results original = sample_results();
  const results back = parse_results_json(render_json(original));
  CHECK(back.env.cpu_model == original.env.cpu_model);
  CHECK(back.env.git_dirty == original.env.git_dirty);
  CHECK(back.env.cpu_governor == "performance");
  CHECK(back.params.repetitions == original.params.repetitions);
  CHECK(back.params.size == original.params.size);
  REQUIRE(back.records.size() == original.records.size());
  for (std::size_t i = 0; i < back.records.size(); ++i) {
    const record& a = original.records[i];
    const record& b = back.records[i];
    CAPTURE(i);
    CHECK(a.workload == b.workload);
    CHECK(a.model == b.model);
    CHECK(a.status == b.status);
    CHECK(a.reason == b.reason);
    CHECK(a.size == b.size);
    CHECK(a.scaled == b.scaled);
    CHECK(a.note == b.note);
    CHECK(a.check == b.check);
    CHECK(a.configuration == b.configuration);
    CHECK(a.rusage.peak_rss_bytes == b.rusage.peak_rss_bytes);
    REQUIRE(a.metrics.size() == b.metrics.size());
    for (std::size_t m = 0; m < a.metrics.size(); ++m) {
      CHECK(a.metrics[m].name == b.metrics[m].name);
      CHECK(a.metrics[m].lower_is_better == b.metrics[m].lower_is_better);
      CHECK(a.metrics[m].samples == b.metrics[m].samples);
      CHECK(a.metrics[m].stats.median == b.metrics[m].stats.median);
      CHECK(a.metrics[m].stats.mad == b.metrics[m].stats.mad);
      CHECK(a.metrics[m].stats.unstable == b.metrics[m].stats.unstable);
      CHECK(a.metrics[m].stats.ci_low == b.metrics[m].stats.ci_low);
      CHECK(a.metrics[m].stats.ci_high == b.metrics[m].stats.ci_high);
      CHECK(a.metrics[m].stats.ci_level == b.metrics[m].stats.ci_level);
    }
  }
}

TEST_CASE("report json: a file written before the interval and the governor still reads") {
  auto j = nlohmann::ordered_json::parse(render_json(sample_results()));
  j.at("environment").erase("cpu_governor");
  for (auto& r : j.at("records")) {
    for (auto& m : r.at("metrics")) {
      m.erase("ci_low");
      m.erase("ci_high");
      m.erase("ci_level");
    }
  }
  const results back = results_from_json(j);
  CHECK(back.env.cpu_governor == "unavailable");
  // spawn_join on green: samples 150, 300, 75 — the interval is recomputed as [min, max].
  const metric_summary& m = back.records[1].metrics[0];
  CHECK(m.stats.ci_low == doctest::Approx(75));
  CHECK(m.stats.ci_high == doctest::Approx(300));
  CHECK(m.stats.ci_level == doctest::Approx(0.75));
}

TEST_CASE("report json: another schema or malformed text is refused with a reason") {
  CHECK_THROWS_WITH_AS(parse_results_json("{\"schema\":\"threadlab.results/9\"}"),
                       doctest::Contains("unsupported schema"), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_results_json("not json"), doctest::Contains("not valid JSON"),
                       std::runtime_error);
  CHECK_THROWS_AS(parse_results_json("{\"schema\":\"threadlab.results/1\"}"), std::runtime_error);
}

TEST_CASE("report table: headline per workload, best and unstable marked, notes below") {
  const std::string t = render(report_format::table, sample_results());
  CHECK(contains(t, "workload"));
  CHECK(contains(t, "ns_per_op ↓"));
  CHECK(contains(t, "20.0 µs"));
  CHECK(contains(t, "150 ns*~"));  // green: best of spawn_join, and unstable
  CHECK(contains(t, "2.00 ms^"));  // skynet on kernel: scaled, alone (no best mark)
  CHECK_FALSE(contains(t, "2.00 ms*"));
  CHECK(contains(t, "Scaled (^):\n  skynet on kernel: scaled to 10,000 leaves"));
  CHECK(contains(t, "Skipped:\n  skynet on green: model green lacks multicore: because"));
  CHECK(contains(t, "Errors:\n  ring on green: hung: workload ring"));
  CHECK(contains(t, "Configurations:\n  kernel: kernel config"));
  CHECK(contains(t, "~ unstable: MAD > 10% of the median; too noisy to rank models by"));
  CHECK(contains(t, "(governor performance)"));
  CHECK(contains(t, "git abc123 (dirty)"));
  CHECK(contains(t, "context_switch"));
  CHECK(contains(t, "8.00 ns"));
  // Columns are aligned: the header and the rule have the same display width.
  std::istringstream lines(t);
  std::string line, header, rule;
  while (std::getline(lines, line)) {
    if (line.rfind("workload", 0) == 0) {
      header = line;
      std::getline(lines, rule);
      break;
    }
  }
  REQUIRE_FALSE(header.empty());
  CHECK(rule.find_first_not_of("- ") == std::string::npos);
  CHECK(rule.size() >= header.size());
}

TEST_CASE("report csv: one row per record and metric, quoted where needed") {
  const std::string csv = render(report_format::csv, sample_results());
  std::size_t rows = 0;
  for (char c : csv) rows += c == '\n';
  // header + 2 metrics for each of 4 ok records + 1 row each for the skip and the error
  CHECK(rows == 1 + 4 * 2 + 2);
  CHECK(csv.rfind("workload,model,status,reason,", 0) == 0);
  CHECK(contains(csv, "spawn_join,kernel,ok,,2,,1000,false,ns_per_op,ns,true,20000,"));
  CHECK(contains(csv, "skynet,green,skipped,model green lacks multicore: because,0,,0,false,,"));
  CHECK(contains(csv, ",count,unstable,ci_low,ci_high,ci_level,peak_rss_bytes,"));
  // Every row has as many fields as the header (no field here holds a quoted comma but the
  // configuration, which the CSV does not carry).
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  const auto columns = std::count(line.begin(), line.end(), ',');
  while (std::getline(lines, line)) {
    CAPTURE(line);
    CHECK(std::count(line.begin(), line.end(), ',') == columns);
  }
}

TEST_CASE("report markdown: a GitHub table with the notes") {
  const std::string md = render(report_format::markdown, sample_results());
  CHECK(contains(md, "| workload | metric | kernel | green | baseline |"));
  CHECK(contains(md, "| --- | --- | ---: | ---: | ---: |"));
  CHECK(contains(md, "150 ns\\*\\~"));
  CHECK(contains(md, "**Skipped**"));
}

TEST_CASE("report markdown: the states table when the results carry state metrics") {
  results res = sample_results();
  CHECK_FALSE(contains(render(report_format::markdown, res), "Where thread-time goes"));
  record& green = res.records[1];  // spawn_join on green
  green.metrics.push_back(metric("ready_share", "%", false, {10, 12, 14}));
  green.metrics.push_back(metric("running_share", "%", false, {60, 61, 62}));
  green.metrics.push_back(metric("blocked_share", "%", false, {28, 27, 24}));
  green.metrics.push_back(metric("switches", "switches", false, {400, 402, 404}));
  green.metrics.push_back(metric("mean_slice_ns", "ns", true, {150, 150, 150}));
  green.note = "states: green observes every transition (round_robin wrapped)";
  const std::string md = render(report_format::markdown, res);
  CHECK(contains(md, "**Where thread-time goes"));
  CHECK(contains(md,
                 "| workload | model | ready % | running % | blocked % | switches | mean slice |"));
  CHECK(contains(md, "| --- | --- | ---: | ---: | ---: | ---: | ---: |"));
  CHECK(contains(md, "| spawn\\_join | green | 12.0 | 61.0 | 27.0 | 402 | 150 ns |"));
  CHECK(contains(md, "- green observes every transition (round\\_robin wrapped)"));
  // One row per record with state metrics: kernel's spawn_join has none.
  CHECK_FALSE(contains(md, "| spawn\\_join | kernel | "));
}

TEST_CASE(
    "report table and markdown: the lifecycle table when spawn_join's percentiles are there") {
  results res = sample_results();
  CHECK_FALSE(contains(render(report_format::table, res), "The life of a thread"));
  record& green = res.records[1];  // spawn_join on green
  for (const char* figure : {"create", "start_latency", "exit_to_join"}) {
    for (const char* q : {"p50", "p99", "max"}) {
      const double v = std::string(q) == "p50" ? 100 : std::string(q) == "p99" ? 2000 : 30000;
      green.metrics.push_back(metric(std::string(figure) + "_" + q + "_ns", "ns", true, {v, v, v}));
    }
  }
  green.metrics.push_back(metric("clock_overhead_ns", "ns", true, {20, 20, 20}));
  const std::string table = render(report_format::table, res);
  CHECK(contains(table, "The life of a thread"));
  CHECK(contains(table, "create p50"));
  CHECK(contains(table, "exit-join max"));
  CHECK(contains(table, "100 ns"));
  CHECK(contains(table, "2.00 µs"));
  CHECK(contains(table, "30.0 µs"));
  const std::string md = render(report_format::markdown, res);
  CHECK(contains(md, "| green | 100 ns | 2.00 µs | 30.0 µs | 100 ns |"));
  // kernel's spawn_join record has no percentiles: no row for it.
  CHECK_FALSE(contains(md, "\n| kernel | "));
}

TEST_CASE("report gbench: Google Benchmark JSON: each repetition then the median per record") {
  const auto j = nlohmann::json::parse(render(report_format::gbench, sample_results()));
  CHECK(j.contains("context"));
  // Four measured records of three repetitions each: 4 × (3 iterations + 1 aggregate).
  REQUIRE(j.at("benchmarks").size() == 16);
  const auto& first = j.at("benchmarks")[0];
  CHECK(first.at("run_name") == "spawn_join/kernel");
  CHECK(first.at("run_type") == "iteration");
  CHECK(first.at("repetition_index") == 0);
  CHECK(first.at("repetitions") == 3);
  const auto& b = j.at("benchmarks")[3];
  CHECK(b.at("run_name") == "spawn_join/kernel");
  CHECK(b.at("name") == "spawn_join/kernel_median");
  CHECK(b.at("run_type") == "aggregate");
  CHECK(b.at("aggregate_name") == "median");
  CHECK(b.at("time_unit") == "ns");
  CHECK(b.at("real_time").get<double>() == doctest::Approx(20'000));
  CHECK(b.at("iterations") == 3);
  CHECK(j.at("context").at("threadlab_environment").at("compiler") == "GCC 12.2.0");
}
