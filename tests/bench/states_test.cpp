// tests/bench/states_test.cpp — state accounting (bench/trace/states.hpp) from synthetic event
// lists, where every share is known exactly, and the well-formedness rules the bridge tests use.
#include "bench/trace/states.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "bench/trace/tracer.hpp"
#include "states_wellformed.hpp"

namespace threadlab {
namespace {

using s = thread_state;

trace_event ev(std::uint64_t t, std::uint64_t thread, s state) {
  return trace_event{t, thread, -1, state};
}

const metric_value* find(const sample& smp, const char* name) {
  for (const metric_value& m : smp.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

TEST_CASE("states: shares of thread-time from events in any order, created counted as ready") {
  // Thread 1: new 0, running 10, blocked 40, ready 70, running 80, terminated 100:
  //   ready 10 + 10 = 20, running 30 + 20 = 50, blocked 30; lifetime 100.
  // Thread 2: new 50, ready 50, running 60, terminated 110: ready 10, running 50; lifetime 60.
  const std::vector<trace_event> events = {ev(80, 1, s::running), ev(50, 2, s::created),
                                           ev(0, 1, s::created),  ev(110, 2, s::terminated),
                                           ev(40, 1, s::blocked), ev(50, 2, s::ready),
                                           ev(10, 1, s::running), ev(60, 2, s::running),
                                           ev(70, 1, s::ready),   ev(100, 1, s::terminated)};
  const state_accounting a = account_states(events, {});
  CHECK(a.threads == 2);
  CHECK(a.ready_ns == doctest::Approx(30));
  CHECK(a.running_ns == doctest::Approx(100));
  CHECK(a.blocked_ns == doctest::Approx(30));
  CHECK(a.thread_ns() == doctest::Approx(160));
  CHECK(a.share(a.running_ns) == doctest::Approx(62.5));
  CHECK(a.switches == 3);
  CHECK(a.mean_slice_ns() == doctest::Approx(100.0 / 3));
  CHECK(a.kernel_accounted == 0);
}

TEST_CASE("states: kernel totals replace ready and running, blocked is the rest of the life") {
  // Lifetime 1000; the kernel says 300 on a CPU, 200 waiting, 4 timeslices: blocked 500.
  const std::vector<trace_event> events = {ev(0, 7, s::created), ev(5, 7, s::running),
                                           ev(100, 7, s::blocked), ev(900, 7, s::running),
                                           ev(1000, 7, s::terminated)};
  const std::vector<thread_totals> totals = {thread_totals{7, 300, 200, 4}};
  const state_accounting a = account_states(events, totals);
  CHECK(a.kernel_accounted == 1);
  CHECK(a.running_ns == doctest::Approx(300));
  CHECK(a.ready_ns == doctest::Approx(200));
  CHECK(a.blocked_ns == doctest::Approx(500));
  CHECK(a.switches == 4);
  CHECK(a.mean_slice_ns() == doctest::Approx(75));
}

TEST_CASE("states: inferred blocked time never goes below zero") {
  const std::vector<trace_event> events = {ev(0, 1, s::created), ev(100, 1, s::terminated)};
  const std::vector<thread_totals> totals = {thread_totals{1, 80, 40, 1}};
  const state_accounting a = account_states(events, totals);
  CHECK(a.blocked_ns == doctest::Approx(0));
  CHECK(a.share(a.running_ns) == doctest::Approx(100.0 * 80 / 120));
}

TEST_CASE("states: a thread without terminated counts up to its last event") {
  const std::vector<trace_event> events = {ev(0, 1, s::created), ev(10, 1, s::running),
                                           ev(30, 1, s::blocked)};
  const state_accounting a = account_states(events, {});
  CHECK(a.ready_ns == doctest::Approx(10));
  CHECK(a.running_ns == doctest::Approx(20));
  CHECK(a.blocked_ns == doctest::Approx(0));
}

TEST_CASE("states: no events means no thread-time and zero shares, not a division by zero") {
  const state_accounting a = account_states({}, {});
  CHECK(a.threads == 0);
  CHECK(a.share(a.ready_ns) == 0);
  CHECK(a.mean_slice_ns() == 0);
}

TEST_CASE("states: append_state_metrics adds the five named metrics with their units") {
  const std::vector<trace_event> events = {ev(0, 1, s::created), ev(25, 1, s::running),
                                           ev(100, 1, s::terminated)};
  sample smp;
  smp.metrics.push_back(metric_value{"ns_per_switch", "ns", 1, true});
  append_state_metrics(smp, account_states(events, {}));
  REQUIRE(smp.metrics.size() == 6);
  CHECK(smp.metrics.front().name == "ns_per_switch");  // the headline stays first
  REQUIRE(find(smp, "ready_share") != nullptr);
  CHECK(find(smp, "ready_share")->value == doctest::Approx(25));
  CHECK(find(smp, "running_share")->value == doctest::Approx(75));
  CHECK(find(smp, "blocked_share")->unit == "%");
  CHECK(find(smp, "switches")->value == 1);
  CHECK(find(smp, "mean_slice_ns")->value == doctest::Approx(75));
}

TEST_CASE("states: the tracer's kernel totals and provenance reach the accounting and the note") {
  tracer t(16, 4);
  CHECK(state_note(t).find("not traced") != std::string::npos);
  t.set_provenance("test: all observed");
  t.record_at(0, 1, -1, s::created);
  t.record_at(10, 1, -1, s::running);
  t.record_at(50, 1, -1, s::terminated);
  t.add_totals(thread_totals{1, 30, 10, 2});
  const state_accounting a = account_states(t);
  CHECK(a.kernel_accounted == 1);
  CHECK(a.running_ns == doctest::Approx(30));
  CHECK(state_note(t) == "states: test: all observed");
  for (int i = 0; i < 20; ++i) t.record_at(60, 2, -1, s::created);  // overflow the log
  CHECK(state_note(t).find("dropped") != std::string::npos);
}

TEST_CASE("states: the well-formedness check accepts a lawful life and names a broken one") {
  const std::vector<trace_event> good = {
      ev(0, 1, s::created), ev(1, 1, s::ready),   ev(2, 1, s::running),   ev(3, 1, s::blocked),
      ev(4, 1, s::ready),   ev(5, 1, s::running), ev(6, 1, s::terminated)};
  CHECK(testing::malformed_threads(good.data(), good.size()).empty());
  const std::vector<trace_event> bad = {ev(0, 2, s::created), ev(1, 2, s::blocked),
                                        ev(2, 2, s::terminated)};
  const auto problems = testing::malformed_threads(bad.data(), bad.size());
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().find("created -> blocked") != std::string::npos);
  const std::vector<trace_event> unfinished = {ev(0, 3, s::created), ev(1, 3, s::running)};
  CHECK(testing::malformed_threads(unfinished.data(), unfinished.size()).size() == 1);
}

}  // namespace
}  // namespace threadlab
