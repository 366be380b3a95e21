// tests/workloads_smoke/workloads_smoke_test.cpp — every workload runs, checks itself and
// returns a usable sample on every model of threadlab::all_models, at a size small enough for
// the whole suite to take seconds. A pair whose model lacks a required capability is skipped
// (the runner skips it too). Speed is never asserted here: benchmarks measure it.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <tuple>

#include "bench/model.hpp"
#include "bench/models/all.hpp"
#include "bench/type_list.hpp"
#include "bench/workload.hpp"
#include "bench/workloads/all.hpp"

namespace {

using namespace threadlab;

// as_tuple<type_list<Ts...>>::type — std::tuple<Ts...>, for TEST_CASE_TEMPLATE_APPLY.
template <class List>
struct as_tuple;
template <class... Ts>
struct as_tuple<type_list<Ts...>> {
  using type = std::tuple<Ts...>;
};
using models_under_test = as_tuple<all_models>::type;

// run_small<W, M>(size) — runs W on M at `size` and checks the sample's shape: the size run is
// the one asked for (or smaller and marked scaled, with a note), the headline is a positive
// number, and the workload says what it checked.
template <class W, class M>
void run_small(std::uint64_t size) {
  if (!has(M::capabilities, W::requires_caps)) {
    const std::string why = std::string(W::name) + " skipped on " + std::string(M::name) +
                            ": lacks " + describe(missing(M::capabilities, W::requires_caps));
    MESSAGE(why);
    return;
  }
  CAPTURE(W::name);
  CAPTURE(M::name);
  const sample s = W::template run<M>(run_options{.workers = 2}, size);
  REQUIRE_FALSE(s.metrics.empty());
  CHECK(s.metrics.front().value > 0);
  CHECK_FALSE(s.check.empty());
  if (s.scaled) {
    CHECK(s.size < size);
    CHECK_FALSE(s.note.empty());
  } else {
    CHECK(s.size <= size);  // mutex rounds down to a multiple of its thread count
    CHECK(s.size > 0);
  }
}

// metric_value_of(s, name) — the value of s's metric called name; fails the test if absent.
double metric_value_of(const sample& s, const std::string& name) {
  for (const metric_value& m : s.metrics) {
    if (m.name == name) return m.value;
  }
  FAIL("no metric " << name);
  return 0;
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("spawn_join spawns, runs and joins every thread", M, spawn_join_id) {
  run_small<workloads::spawn_join, M>(300);
}
TEST_CASE_TEMPLATE_DEFINE("pingpong replies to every message", M, pingpong_id) {
  run_small<workloads::pingpong, M>(200);
}
TEST_CASE_TEMPLATE_DEFINE("yield lets each thread yield its count", M, yield_id) {
  run_small<workloads::yield, M>(1'000);
}
TEST_CASE_TEMPLATE_DEFINE("skynet sums a small tree", M, skynet_id) {
  run_small<workloads::skynet, M>(100);
}
TEST_CASE_TEMPLATE_DEFINE("ring passes the token every hop", M, ring_id) {
  run_small<workloads::ring, M>(500);
}
TEST_CASE_TEMPLATE_DEFINE("pipeline delivers every message in order", M, pipeline_id) {
  run_small<workloads::pipeline, M>(2'000);
}
TEST_CASE_TEMPLATE_DEFINE("mutex counts every critical section", M, mutex_id) {
  run_small<workloads::mutex, M>(4'000);
}
TEST_CASE_TEMPLATE_DEFINE("parallel_compute matches the sequential sum", M, parallel_compute_id) {
  run_small<workloads::parallel_compute, M>(20'000);
}

TEST_CASE_TEMPLATE_DEFINE("memory parks every thread at once and wakes each once", M, memory_id) {
  run_small<workloads::memory, M>(1'000);
}
TEST_CASE_TEMPLATE_DEFINE("spawn_join reports ordered lifecycle latencies", M, lifecycle_id) {
  const sample s = workloads::spawn_join::run<M>(run_options{.workers = 2}, 300);
  CAPTURE(M::name);
  for (const char* figure : {"create", "start_latency", "exit_to_join"}) {
    CAPTURE(figure);
    const double p50 = metric_value_of(s, std::string(figure) + "_p50_ns");
    const double p99 = metric_value_of(s, std::string(figure) + "_p99_ns");
    const double max = metric_value_of(s, std::string(figure) + "_max_ns");
    CHECK(p50 >= 0);
    CHECK(p50 <= p99);
    CHECK(p99 <= max);
  }
  CHECK(metric_value_of(s, "clock_overhead_ns") >= 0);
  // The headline stays first.
  CHECK(s.metrics.front().name == "ns_per_thread");
}

TEST_CASE_TEMPLATE_APPLY(spawn_join_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(memory_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(lifecycle_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(pingpong_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(yield_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(skynet_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(ring_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(pipeline_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(mutex_id, models_under_test);
TEST_CASE_TEMPLATE_APPLY(parallel_compute_id, models_under_test);

TEST_CASE("context_switch baseline resumes the fiber the asked number of times") {
  const sample s = workloads::context_switch::run(10'000);
  CHECK(s.size == 10'000);
  REQUIRE_FALSE(s.metrics.empty());
  CHECK(s.metrics.front().name == "ns_per_switch");
  CHECK(s.metrics.front().value > 0);
}
