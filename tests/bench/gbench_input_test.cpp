// tests/bench/gbench_input_test.cpp — reading results files for `threadlab compare`: Google
// Benchmark JSON as Google Benchmark writes it, our own --format gbench read back, the format
// told by the content, and the files refused.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/report/gbench.hpp"
#include "bench/report/results_file.hpp"

using namespace threadlab;

namespace {

// A Google Benchmark file of one benchmark run with --benchmark_repetitions=3, in
// microseconds, with the aggregates it adds, and one benchmark that failed.
constexpr const char* google_benchmark_file = R"({
  "context": {
    "date": "2026-11-30T10:12:54+00:00", "host_name": "box", "executable": "./bm_queue",
    "num_cpus": 8, "mhz_per_cpu": 3000, "cpu_scaling_enabled": false,
    "caches": [], "load_avg": [0.5, 0.4, 0.3], "library_build_type": "release"
  },
  "benchmarks": [
    {"name": "BM_Push/64", "family_index": 0, "per_family_instance_index": 0,
     "run_name": "BM_Push/64", "run_type": "iteration", "repetitions": 3,
     "repetition_index": 0, "threads": 1, "iterations": 1000,
     "real_time": 1.5, "cpu_time": 1.49, "time_unit": "us"},
    {"name": "BM_Push/64", "run_name": "BM_Push/64", "run_type": "iteration", "repetitions": 3,
     "repetition_index": 1, "threads": 1, "iterations": 1000,
     "real_time": 1.25, "cpu_time": 1.24, "time_unit": "us"},
    {"name": "BM_Push/64", "run_name": "BM_Push/64", "run_type": "iteration", "repetitions": 3,
     "repetition_index": 2, "threads": 1, "iterations": 1000,
     "real_time": 1.75, "cpu_time": 1.7, "time_unit": "us"},
    {"name": "BM_Push/64_mean", "run_name": "BM_Push/64", "run_type": "aggregate",
     "repetitions": 3, "threads": 1, "aggregate_name": "mean", "aggregate_unit": "time",
     "iterations": 3, "real_time": 1.5, "cpu_time": 1.48, "time_unit": "us"},
    {"name": "BM_Push/64_median", "run_name": "BM_Push/64", "run_type": "aggregate",
     "repetitions": 3, "threads": 1, "aggregate_name": "median", "aggregate_unit": "time",
     "iterations": 3, "real_time": 1.5, "cpu_time": 1.49, "time_unit": "us"},
    {"name": "BM_Pop", "run_name": "BM_Pop", "run_type": "iteration", "repetitions": 1,
     "repetition_index": 0, "threads": 1, "iterations": 0, "real_time": 0, "cpu_time": 0,
     "time_unit": "ns", "error_occurred": true, "error_message": "queue empty"}
  ]
})";

// sample() — two measured records in ms and a rate, as threadlab writes them.
results sample() {
  results res;
  res.env.cpu_model = "Fake CPU";
  res.env.cpu_governor = "performance";
  res.env.logical_cores = 2;
  res.env.kernel = "Linux";
  res.env.compiler = "GCC 12.2.0";
  res.env.cxx_flags = "-O2";
  res.env.build_type = "Release";
  res.env.boost_version = "1.74.0";
  res.env.git_revision = "abc";
  res.env.date_utc = "2026-11-30T10:00:00Z";
  res.env.hostname = "box";
  res.params.repetitions = 3;
  const std::vector<double> ms{1.5, 1.25, 2.0};
  for (const char* model : {"green", "kernel"}) {
    record r;
    r.workload = "spawn_join";
    r.model = model;
    r.workers = 2;
    r.metrics = {metric_summary{"ms_per_run", "ms", true, summarize(ms), ms}};
    res.records.push_back(r);
  }
  record speedup = res.records.front();
  speedup.workload = "parallel_compute";
  const std::vector<double> x{1.9, 2.0, 2.1};
  speedup.metrics = {metric_summary{"speedup", "x", false, summarize(x), x}};
  res.records.push_back(speedup);
  return res;
}

}  // namespace

TEST_CASE("gbench input: iterations become samples in ns and errors become error records") {
  const loaded_results in = parse_results_text(google_benchmark_file);
  CHECK(in.format == results_file_format::gbench);
  REQUIRE(in.res.records.size() == 2);
  const record& push = in.res.records[0];
  CHECK(push.workload == "BM_Push/64");
  CHECK(push.model.empty());
  CHECK(push.workers == 0);
  CHECK(push.status == record_status::ok);
  REQUIRE(push.metrics.size() == 1);
  const metric_summary& m = push.metrics[0];
  CHECK(m.name == "real_time");
  CHECK(m.unit == "ns");
  CHECK(m.lower_is_better);
  CHECK(m.samples == std::vector<double>{1500, 1250, 1750});
  CHECK(m.stats.median == doctest::Approx(1500));
  CHECK(in.res.records[1].status == record_status::error);
  CHECK(in.res.records[1].reason == "queue empty");
  // The context, mapped onto the environment; what it lacks is unknown.
  CHECK(in.res.env.hostname == "box");
  CHECK(in.res.env.logical_cores == 8);
  CHECK(in.res.env.build_type == "release");
  CHECK(in.res.env.compiler == "unknown");
  CHECK(in.res.params.repetitions == 3);
}

TEST_CASE("gbench input: with aggregates only: the median aggregate and no samples") {
  const loaded_results in = parse_results_text(R"({"benchmarks": [
    {"name": "BM_A_mean", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "mean",
     "real_time": 12, "time_unit": "ms"},
    {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate",
     "aggregate_name": "median", "real_time": 10, "time_unit": "ms"}]})");
  REQUIRE(in.res.records.size() == 1);
  CHECK(in.res.records[0].metrics[0].samples.empty());
  CHECK(in.res.records[0].metrics[0].stats.median == doctest::Approx(10e6));
}

TEST_CASE("gbench input: threadlab's own --format gbench reads back with samples and environment") {
  const results original = sample();
  const loaded_results back = parse_results_text(render_gbench(original));
  CHECK(back.format == results_file_format::gbench);
  // The two timed records; the speedup is not a time, so its real_time is 0.
  REQUIRE(back.res.records.size() == 3);
  CHECK(back.res.records[0].workload == "spawn_join/green");
  CHECK(back.res.records[1].workload == "spawn_join/kernel");
  CHECK(back.res.records[0].metrics[0].samples == std::vector<double>{1.5e6, 1.25e6, 2.0e6});
  CHECK(back.res.records[0].metrics[0].stats.median == doctest::Approx(1.5e6));
  CHECK(back.res.records[2].metrics[0].samples.empty());
  CHECK(back.res.records[2].metrics[0].stats.median == doctest::Approx(0));
  // The whole environment travels in the context.
  CHECK(back.res.env.compiler == "GCC 12.2.0");
  CHECK(back.res.env.boost_version == "1.74.0");
  CHECK(back.res.env.cpu_model == "Fake CPU");
}

TEST_CASE("gbench output: a sweep's points are part of the names so names stay unique") {
  results swept = sample();
  swept.params.workers_sweep = {1, 2};
  swept.records[1].model = "green";
  swept.records[1].workers = 1;
  const loaded_results back = parse_results_text(render_gbench(swept));
  REQUIRE(back.res.records.size() == 3);
  CHECK(back.res.records[0].workload == "spawn_join/green/workers:2");
  CHECK(back.res.records[1].workload == "spawn_join/green/workers:1");
}

TEST_CASE("results files: the format is told by the content and anything else is refused") {
  CHECK_THROWS_WITH_AS(parse_results_text("{}"), doctest::Contains("neither a threadlab"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_results_text("[1, 2]"), doctest::Contains("neither a threadlab"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_results_text("nope"), doctest::Contains("not valid JSON"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_results_text(R"({"benchmarks": 3})"),
                       doctest::Contains("no \"benchmarks\" array"), std::runtime_error);
  CHECK_THROWS_WITH_AS(
      parse_results_text(R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "min"}]})"),
      doctest::Contains("unknown time_unit 'min'"), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_results_text(R"({"benchmarks": [{"name": "a"}]})"),
                       doctest::Contains("no numeric real_time"), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_results_text(R"({"schema": "threadlab.results/9"})"),
                       doctest::Contains("unsupported schema"), std::runtime_error);
}

TEST_CASE("results files: a file over the size cap is refused unread") {
  const std::string path = "/tmp/threadlab-gbench-input-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << google_benchmark_file;
  CHECK(read_results_file(path).res.records.size() == 2);
  CHECK_THROWS_WITH_AS(read_results_file(path, 100), doctest::Contains("are refused"),
                       std::runtime_error);
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(read_results_file(path), doctest::Contains("no such readable file"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(read_results_file("/tmp"), doctest::Contains("no such readable file"),
                       std::runtime_error);
}
