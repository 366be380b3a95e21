// tests/bench/trace_timeline_test.cpp — raw tracer events become per-thread spans: sorted,
// merged, closed by the next event, cut at the end when never closed, named, and ordered by
// first appearance; a full tracer's drops are counted and explained.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bench/trace/timeline.hpp"
#include "bench/trace/tracer.hpp"
#include "trace_test_support.hpp"

using namespace threadlab;
using trace_testing::event;

TEST_CASE("trace timeline: events out of slot order become sorted, closed spans") {
  // Thread 7 in slot order: running (30), new (10), ready (20), terminated (50), blocked (40).
  const std::vector<trace_event> events = {
      event(30, 7, thread_state::running), event(10, 7, thread_state::created),
      event(20, 7, thread_state::ready), event(50, 7, thread_state::terminated),
      event(40, 7, thread_state::blocked)};
  const timeline tl = build_timeline(events.data(), events.size(), {{7, "pong"}}, 0, 100);
  REQUIRE(tl.tracks.size() == 1);
  const thread_track& t = tl.tracks[0];
  CHECK(t.name == "pong");
  CHECK(t.terminated);
  REQUIRE(t.spans.size() == 4);
  const thread_state expected[] = {thread_state::created, thread_state::ready,
                                   thread_state::running, thread_state::blocked};
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(t.spans[i].state == expected[i]);
    CHECK(t.spans[i].begin_ns == 10 * (i + 1));
    CHECK(t.spans[i].end_ns == 10 * (i + 2));
    CHECK_FALSE(t.spans[i].open);
  }
  CHECK(tl.begin_ns == 10);
  CHECK(tl.end_ns == 50);
  CHECK_FALSE(tl.has_workers);
}

TEST_CASE("trace timeline: repeated state on one worker merges; a worker change splits") {
  const std::vector<trace_event> events = {
      event(0, 1, thread_state::running, 0), event(5, 1, thread_state::running, 0),
      event(9, 1, thread_state::running, 1), event(12, 1, thread_state::terminated, 1)};
  const timeline tl = build_timeline(events.data(), events.size(), {}, 0, 100);
  REQUIRE(tl.tracks.size() == 1);
  REQUIRE(tl.tracks[0].spans.size() == 2);
  CHECK(tl.tracks[0].spans[0].worker == 0);
  CHECK(tl.tracks[0].spans[0].end_ns == 9);
  CHECK(tl.tracks[0].spans[1].worker == 1);
  CHECK(tl.tracks[0].spans[1].end_ns == 12);
  CHECK(tl.has_workers);
}

TEST_CASE("trace timeline: a thread that never terminates is cut, open, at the last event") {
  const std::vector<trace_event> events = {event(100, 2, thread_state::running),
                                           event(300, 3, thread_state::running),
                                           event(900, 3, thread_state::terminated)};
  const timeline tl = build_timeline(events.data(), events.size(), {}, 0, 100);
  REQUIRE(tl.tracks.size() == 2);
  CHECK(tl.tracks[0].thread == 2);
  CHECK(tl.tracks[0].name == "thread 2");  // unnamed: its id
  CHECK_FALSE(tl.tracks[0].terminated);
  REQUIRE(tl.tracks[0].spans.size() == 1);
  CHECK(tl.tracks[0].spans[0].end_ns == 900);
  CHECK(tl.tracks[0].spans[0].open);
}

TEST_CASE("trace timeline: tracks are ordered by first event, not by id; the last name wins") {
  const std::vector<trace_event> events = {event(50, 1, thread_state::running),
                                           event(10, 9, thread_state::running),
                                           event(30, 4, thread_state::running)};
  const timeline tl = build_timeline(events.data(), events.size(),
                                     {{4, "old"}, {4, "worker"}, {77, "never ran"}}, 0, 100);
  REQUIRE(tl.tracks.size() == 3);
  CHECK(tl.tracks[0].thread == 9);
  CHECK(tl.tracks[1].thread == 4);
  CHECK(tl.tracks[1].name == "worker");
  CHECK(tl.tracks[2].thread == 1);
}

TEST_CASE("trace timeline: a full tracer counts its drops and the warning says what to do") {
  tracer log(4);
  for (std::uint64_t i = 0; i < 6; ++i) log.record_at(i, 1, -1, thread_state::running);
  const timeline tl = build_timeline(log);
  CHECK(tl.recorded == 4);
  CHECK(tl.dropped == 2);
  CHECK(tl.capacity == 4);
  CHECK(dropped_warning(tl) == "recorded 4 events, dropped 2: raise --max-events");

  timeline big;
  big.recorded = 1'000'000;
  big.dropped = 12'345;
  CHECK(dropped_warning(big) == "recorded 1,000,000 events, dropped 12,345: raise --max-events");
  big.dropped = 0;
  CHECK(dropped_warning(big).empty());
}

TEST_CASE("trace timeline: no events, no tracks") {
  const timeline tl = build_timeline(nullptr, 0, {{1, "x"}}, 0, 10);
  CHECK(tl.tracks.empty());
  CHECK(tl.begin_ns == 0);
  CHECK(tl.end_ns == 0);
}
