// tests/bench/trace_svg_test.cpp — the SVG timeline: a standalone document, one labelled row
// per thread (capped, with "+N more threads"), state colours and legend, worker strips only for
// models with workers, readable axis units, names escaped, and big traces kept small.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "bench/trace/svg.hpp"
#include "bench/trace/timeline.hpp"
#include "text_support.hpp"
#include "trace_test_support.hpp"

using namespace threadlab;
using trace_testing::event;

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

using threadlab::testing::contains;

// threads_running(n, length_ns) — n threads, thread i running over [i, i + length_ns).
timeline threads_running(std::uint64_t n, std::uint64_t length_ns, std::int32_t worker = -1) {
  std::vector<trace_event> events;
  for (std::uint64_t i = 0; i < n; ++i) {
    events.push_back(event(i, i + 1, thread_state::running, worker));
    events.push_back(event(i + length_ns, i + 1, thread_state::terminated, worker));
  }
  return build_timeline(events.data(), events.size(), {}, 0, events.size());
}

const trace_info info{"pingpong", "green", "round_robin", 1000, 1, ""};

}  // namespace

TEST_CASE("trace svg: a standalone document with one labelled row per thread and a legend") {
  std::vector<trace_event> events = {
      event(0, 1, thread_state::running),   event(400, 1, thread_state::blocked),
      event(100, 2, thread_state::created), event(200, 2, thread_state::ready),
      event(300, 2, thread_state::running), event(1000, 2, thread_state::terminated)};
  const timeline tl =
      build_timeline(events.data(), events.size(), {{1, "ping <main> & co"}}, 0, events.size());
  const std::string svg = timeline_svg(tl, info);
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(contains(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(count_of(svg, "<svg") == 1);
  CHECK(svg.ends_with("</svg>\n"));
  CHECK(contains(svg, "ping &lt;main&gt; &amp; co"));
  CHECK_FALSE(contains(svg, "<main>"));
  CHECK(contains(svg, "thread 2"));
  for (const thread_state s : span_states) {
    CAPTURE(to_string(s));
    CHECK(contains(svg, std::string(style_of(s).rgb)));  // colour defined
    std::string label = ">";
    label += to_string(s);
    label += "<";
    CHECK(contains(svg, label));  // and named in the legend
  }
  CHECK(count_of(svg, "text-anchor=\"end\"><title>") == 2);
  CHECK_FALSE(contains(svg, "worker"));  // no workers, no worker strip or legend
  CHECK_FALSE(contains(svg, "more threads"));
}

TEST_CASE("trace svg: rows are capped and the rest counted") {
  const std::string svg = timeline_svg(threads_running(70, 1000), info, svg_options{800, 64});
  CHECK(count_of(svg, "text-anchor=\"end\"><title>") == 64);
  CHECK(contains(svg, "+6 more threads"));
}

TEST_CASE("trace svg: a trace far denser than the pixels stays one rectangle per column") {
  // One thread alternating running/blocked every nanosecond, 200,000 times.
  std::vector<trace_event> events;
  for (std::uint64_t t = 0; t < 200'000; ++t)
    events.push_back(event(t, 1, t % 2 == 0 ? thread_state::running : thread_state::blocked));
  const timeline tl = build_timeline(events.data(), events.size(), {}, 0, events.size());
  const std::string svg = timeline_svg(tl, info, svg_options{1200, 64});
  CHECK(count_of(svg, "<rect") <= 1200 + 10);
  CHECK(svg.size() < 200'000);
  CHECK(contains(svg, "class=\"s2\""));  // running is drawn
}

TEST_CASE("trace svg: a thread alive for a nanosecond still gets its pixel") {
  std::vector<trace_event> events = {
      event(0, 1, thread_state::running), event(1'000'000, 1, thread_state::terminated),
      event(500'000, 2, thread_state::blocked), event(500'001, 2, thread_state::terminated)};
  const timeline tl = build_timeline(events.data(), events.size(), {}, 0, events.size());
  const std::string svg = timeline_svg(tl, info);
  CHECK(contains(svg, "class=\"s3\""));  // thread 2's blocked nanosecond
}

TEST_CASE("trace svg: models with workers get a worker strip, legend and numbers") {
  const std::string svg = timeline_svg(threads_running(3, 100'000, 1), info);
  CHECK(contains(svg, "worker (strip under each row)"));
  CHECK(contains(svg, "fill=\"#f28e2b\""));  // worker 1's colour
  CHECK(contains(svg, "<text class=\"w\""));
}

TEST_CASE("trace svg: the axis counts in a readable unit") {
  CHECK(contains(timeline_svg(threads_running(1, 800), info), ">100 ns<"));
  CHECK(contains(timeline_svg(threads_running(1, 2'000'000), info), ">500 µs<"));
  CHECK(contains(timeline_svg(threads_running(1, 40'000'000), info), ">5 ms<"));
  CHECK(contains(timeline_svg(threads_running(1, 3'000'000'000), info), ">500 ms<"));
}

TEST_CASE("trace svg: drops and empty traces are said, not hidden") {
  timeline tl = threads_running(1, 100);
  tl.dropped = 5;
  CHECK(contains(timeline_svg(tl, info), "dropped 5: raise --max-events"));
  const timeline empty = build_timeline(nullptr, 0, {}, 0, 10);
  const std::string svg = timeline_svg(empty, info);
  CHECK(contains(svg, "no events recorded"));
  CHECK(svg.ends_with("</svg>\n"));
}
