// tests/bench/runner_test.cpp — the runner and its isolation: samples come back from the child,
// and a wrong result, a hang and a crash each become an error record without losing the others.
#include <doctest/doctest.h>

#include <sys/mman.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

#include "bench/run/isolation.hpp"
#include "bench/run/runner.hpp"
#include "fake_registry.hpp"
#include "text_support.hpp"

using namespace threadlab;

namespace {

const record& find(const std::vector<record>& records, const std::string& workload,
                   const std::string& model) {
  for (const record& r : records) {
    if (r.workload == workload && r.model == model) return r;
  }
  FAIL("no record for " << workload << " on " << model);
  throw std::logic_error("unreachable");
}

using threadlab::testing::contains;

}  // namespace

TEST_CASE("runner: healthy pairs return their samples, skips say why, baselines run too") {
  runner_options opts;
  opts.params.warmup = 1;
  opts.params.repetitions = 3;
  opts.params.timeout_s = 20;
  opts.params.workers = 2;
  std::size_t progress_calls = 0;
  opts.progress = [&](std::size_t done, std::size_t total, const record&) {
    ++progress_calls;
    CHECK(done <= total);
  };
  const registry& reg = fakes::healthy_registry();
  const auto records = run_selection(reg, select(reg), opts);
  REQUIRE(records.size() == 5);
  CHECK(progress_calls == 5);

  const record& quick = find(records, "counting", "quick");
  CHECK(quick.status == record_status::ok);
  CHECK(quick.size == 1000);
  CHECK_FALSE(quick.scaled);
  CHECK(quick.check == "count = 1000");
  CHECK(quick.configuration == "fake, 2 workers");
  // The workload's two metrics, then the per-repetition counters the child appends.
  REQUIRE(quick.metrics.size() == 5);
  CHECK(quick.metrics[0].name == "ns_per_op");
  CHECK(quick.metrics[0].samples.size() == 3);
  CHECK(quick.metrics[0].stats.median == doctest::Approx(10'000));
  CHECK_FALSE(quick.metrics[1].lower_is_better);
  CHECK(quick.metrics[2].name == "peak_rss_bytes");
  CHECK(quick.metrics[2].unit == "bytes");
  CHECK(quick.metrics[2].samples.size() == 3);
  CHECK(quick.metrics[2].stats.min > 0);
  CHECK(quick.metrics[3].name == "voluntary_ctx_switches");
  CHECK(quick.metrics[4].name == "involuntary_ctx_switches");
  CHECK(quick.metrics[3].stats.min >= 0);
  CHECK(quick.rusage.peak_rss_bytes > 0);

  const record& pool = find(records, "counting", "pool");
  CHECK(pool.status == record_status::ok);
  CHECK(pool.scaled);
  CHECK(pool.size == 100);
  CHECK(pool.note == "scaled to 100");

  const record& skipped = find(records, "waiting", "pool");
  CHECK(skipped.status == record_status::skipped);
  CHECK(contains(skipped.reason, "model pool lacks waits_on_threads"));
  CHECK(skipped.metrics.empty());

  const record& floor = find(records, "floor", "baseline");
  CHECK(floor.status == record_status::ok);
  CHECK(floor.is_baseline());
  CHECK(floor.size == 100);
}

TEST_CASE("runner: wrong result, hang and crash are errors; the healthy pair is kept") {
  runner_options opts;
  opts.params.warmup = 0;
  opts.params.repetitions = 2;
  opts.params.timeout_s = 1;
  const registry& reg = fakes::failing_registry();
  const auto records = run_selection(reg, select(reg), opts);
  REQUIRE(records.size() == 4);

  const record& ok = find(records, "counting", "quick");
  CHECK(ok.status == record_status::ok);
  CHECK(ok.metrics.at(0).samples.size() == 2);

  const record& wrong = find(records, "wrong", "quick");
  CHECK(wrong.status == record_status::error);
  CHECK(contains(wrong.reason, "wrong result: sum = 41, expected 42"));

  const record& hang = find(records, "hang", "quick");
  CHECK(hang.status == record_status::error);
  CHECK(hang.reason == "hung: workload hang on model quick did not finish repetition 1 within 1 s");

  const record& crash = find(records, "crash", "quick");
  CHECK(crash.status == record_status::error);
  CHECK(contains(crash.reason, "crashed: workload crash on model quick"));
  CHECK(contains(crash.reason, "SIGABRT"));

  results res;
  res.records = records;
  CHECK(res.any_error());
}

TEST_CASE("runner: a hang during warm-up names the warm-up run") {
  runner_options opts;
  opts.params.warmup = 1;
  opts.params.repetitions = 1;
  opts.params.timeout_s = 0.3;
  const registry& reg = fakes::failing_registry();
  const record r = run_pair(reg, *reg.find_pair("hang", "quick"), opts);
  CHECK(r.status == record_status::error);
  CHECK(r.reason == "hung: workload hang on model quick did not finish warm-up run 1 within 0.3 s");
}

TEST_CASE("runner: a workload whose repetitions disagree on their metrics is an error") {
  sample a{{{"ns_per_op", "ns", 1, true}}, 1, false, "", ""};
  sample b{{{"ns_per_op", "ms", 1, true}}, 1, false, "", ""};
  CHECK_THROWS_AS(summarize_samples({a, b}), wrong_result);
  sample c{{{"other", "ns", 1, true}}, 1, false, "", ""};
  CHECK_THROWS_AS(summarize_samples({a, c}), wrong_result);
  const auto ok = summarize_samples({a, a});
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].stats.count == 2);
}

namespace {

// touch_mapping(bytes) — maps bytes of anonymous memory and writes every page (making it
// resident); the caller unmaps it.
char* touch_mapping(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(p != MAP_FAILED);
  std::memset(p, 1, bytes);
  return static_cast<char*>(p);
}

// vm_hwm_bytes() — VmHWM of this process, or 0 when unreadable.
std::uint64_t vm_hwm_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// peak_can_be_reset() — whether this kernel lets a process reset its VmHWM (writing "5" to
// /proc/self/clear_refs, Linux >= 4.0), as repetition_meter::start tries to.
bool peak_can_be_reset() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return clear_refs.good();
}

double metric_named(const std::vector<metric_value>& metrics, const std::string& name) {
  for (const metric_value& m : metrics) {
    if (m.name == name) return m.value;
  }
  FAIL("no metric " << name);
  return 0;
}

}  // namespace

TEST_CASE("repetition_meter: peak RSS covers the repetition only; a sleep is a voluntary switch") {
  constexpr std::size_t big = 96u << 20;
  constexpr std::size_t small = 16u << 20;
  // An earlier peak of at least 96 MiB, gone before the repetition starts.
  char* earlier = touch_mapping(big);
  ::munmap(earlier, big);
  const std::uint64_t hwm_before = vm_hwm_bytes();

  repetition_meter meter;
  meter.start();
  char* during = touch_mapping(small);
  const timespec one_ms{0, 1'000'000};
  ::nanosleep(&one_ms, nullptr);  // gives up the CPU: at least one voluntary switch
  const std::vector<metric_value> counters = meter.finish();
  ::munmap(during, small);

  REQUIRE(counters.size() == 3);
  const double peak = metric_named(counters, "peak_rss_bytes");
  CHECK(peak >= static_cast<double>(small));
  if (peak_can_be_reset()) {
    // The 96 MiB peak before start() is not counted.
    CHECK(peak < static_cast<double>(hwm_before));
  } else {
    MESSAGE("clear_refs refused: peak_rss_bytes falls back to ru_maxrss");
    CHECK(peak >= static_cast<double>(big));
  }
  CHECK(metric_named(counters, "voluntary_ctx_switches") >= 1);
  CHECK(metric_named(counters, "involuntary_ctx_switches") >= 0);
}
