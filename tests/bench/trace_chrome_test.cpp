// tests/bench/trace_chrome_test.cpp — the Chrome Trace Event file: parsed back with
// nlohmann_json, every span is well formed, tracks do not overlap, every thread is named,
// colours follow the state, workers and drops are recorded. The checker itself is shown to
// catch broken files, so a pass means something.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/trace/chrome.hpp"
#include "bench/trace/timeline.hpp"
#include "trace_test_support.hpp"

using namespace threadlab;
using trace_testing::check_chrome_trace;
using trace_testing::event;

namespace {

// pingpong_events(workers) — two threads handing a token back and forth, 3 round trips, the
// way a model's bridge reports them; worker -1 for models without workers.
std::vector<trace_event> pingpong_events(bool workers) {
  std::vector<trace_event> e;
  const std::int32_t w0 = workers ? 0 : -1;
  const std::int32_t w1 = workers ? 1 : -1;
  e.push_back(event(0, 1, thread_state::running, w0));
  e.push_back(event(100, 2, thread_state::created, w1));
  e.push_back(event(150, 2, thread_state::ready, w1));
  std::uint64_t t = 200;
  for (int i = 0; i < 3; ++i) {
    e.push_back(event(t, 1, thread_state::blocked, w0));
    e.push_back(event(t + 10, 2, thread_state::running, w1));
    e.push_back(event(t + 50, 1, thread_state::ready, w0));
    e.push_back(event(t + 60, 2, thread_state::blocked, w1));
    e.push_back(event(t + 70, 1, thread_state::running, w0));
    t += 100;
  }
  e.push_back(event(t, 2, thread_state::terminated, w1));
  e.push_back(event(t + 20, 1, thread_state::terminated, w0));
  return e;
}

nlohmann::json chrome_of(const std::vector<trace_event>& events, std::size_t dropped = 0) {
  const timeline tl = build_timeline(events.data(), events.size(), {{1, "main"}, {2, "pong \"x\""}},
                                     dropped, events.size());
  trace_info info{"pingpong", "synthetic", "2 workers", 3, 2, "synthetic events"};
  return nlohmann::json::parse(chrome_trace_json(tl, info));
}

std::vector<nlohmann::json> events_with_ph(const nlohmann::json& doc, const std::string& ph) {
  std::vector<nlohmann::json> out;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == ph) out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("trace chrome: a synthetic pingpong gives a well-formed file, one named track each") {
  const nlohmann::json doc = chrome_of(pingpong_events(false));
  const auto check = check_chrome_trace(doc);
  for (const auto& p : check.problems) FAIL_CHECK(p);
  CHECK(check.tracks.size() == 2);
  CHECK(check.spans == 1 + 3 * 3 + 3 * 2 + 2);  // main: 1 + 3 × (blocked, ready, running)
  CHECK(doc["otherData"]["workload"] == "pingpong");
  CHECK(doc["otherData"]["truncated"] == false);
  int names = 0;
  for (const auto& m : events_with_ph(doc, "M")) {
    if (m["name"] == "thread_name") ++names;
    if (m["name"] == "thread_name" && m["tid"] == 2) CHECK(m["args"]["name"] == "pong \"x\"");
  }
  CHECK(names == 2);
}

TEST_CASE("trace chrome: spans are named and coloured by state, timed in microseconds") {
  const nlohmann::json doc = chrome_of(pingpong_events(false));
  const auto spans = events_with_ph(doc, "X");
  REQUIRE_FALSE(spans.empty());
  for (const auto& s : spans) {
    const std::string name = s["name"];
    CAPTURE(name);
    const thread_state states[] = {thread_state::created, thread_state::ready,
                                   thread_state::running, thread_state::blocked};
    bool known = false;
    for (const thread_state st : states) {
      if (name == to_string(st)) {
        known = true;
        CHECK(s["cname"] == std::string(style_of(st).cname));
      }
    }
    CHECK(known);
    CHECK_FALSE(s.contains("args"));  // no workers, and every thread terminated
  }
  // Thread 2's "created" span: 100 ns .. 150 ns, i.e. ts 0.1 µs, dur 0.05 µs.
  bool found = false;
  for (const auto& s : spans) {
    if (s["tid"] == 2 && s["name"] == "created") {
      found = true;
      CHECK(trace_testing::ns_of(s["ts"]) == 100);
      CHECK(trace_testing::ns_of(s["dur"]) == 50);
    }
  }
  CHECK(found);
}

TEST_CASE("trace chrome: models with workers carry args.worker on every span") {
  const nlohmann::json doc = chrome_of(pingpong_events(true));
  CHECK(check_chrome_trace(doc).problems.empty());
  for (const auto& s : events_with_ph(doc, "X")) {
    REQUIRE(s.contains("args"));
    CHECK(s["args"]["worker"] == (s["tid"] == 1 ? 0 : 1));
  }
}

TEST_CASE("trace chrome: dropped events are stated in the metadata") {
  const nlohmann::json doc = chrome_of(pingpong_events(false), 7);
  CHECK(doc["otherData"]["truncated"] == true);
  CHECK(doc["otherData"]["events_dropped"] == 7);
  CHECK(doc["otherData"]["warning"].get<std::string>().find("dropped 7") != std::string::npos);
  CHECK(check_chrome_trace(doc).problems.empty());
}

TEST_CASE("trace chrome: the checker catches overlap, a missing name and bad B/E") {
  const nlohmann::json overlapping = nlohmann::json::parse(R"({"displayTimeUnit":"ns",
    "traceEvents":[{"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"a"}},
      {"ph":"X","pid":1,"tid":1,"name":"running","ts":1.0,"dur":2.0},
      {"ph":"X","pid":1,"tid":1,"name":"blocked","ts":2.5,"dur":1.0}]})");
  CHECK(check_chrome_trace(overlapping).problems.size() == 1);

  const nlohmann::json unnamed = nlohmann::json::parse(R"({"displayTimeUnit":"ns",
    "traceEvents":[{"ph":"X","pid":1,"tid":3,"name":"running","ts":0,"dur":1}]})");
  CHECK(check_chrome_trace(unnamed).problems.size() == 1);

  const nlohmann::json unmatched = nlohmann::json::parse(R"({"displayTimeUnit":"ns",
    "traceEvents":[{"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"a"}},
      {"ph":"B","pid":1,"tid":1,"name":"running","ts":0},
      {"ph":"E","pid":1,"tid":1,"ts":4},
      {"ph":"E","pid":1,"tid":1,"ts":5},
      {"ph":"X","pid":1,"tid":1,"name":"ready","ts":6,"dur":-1}]})");
  const auto check = check_chrome_trace(unmatched);
  CHECK(check.spans == 2);
  CHECK(check.problems.size() == 2);  // the stray E, the negative dur
}

TEST_CASE("trace chrome: an empty trace is still a file a viewer opens") {
  const timeline tl = build_timeline(nullptr, 0, {}, 0, 10);
  const nlohmann::json doc = nlohmann::json::parse(chrome_trace_json(tl, trace_info{}));
  CHECK(check_chrome_trace(doc).problems.empty());
  CHECK(doc["traceEvents"].size() == 1);  // the process name
}
