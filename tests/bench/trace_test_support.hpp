// tests/bench/trace_test_support.hpp — what the trace tests share: a checker that reads a
// Chrome Trace Event file the way a viewer would and lists everything wrong with it, and a
// builder of synthetic tracer events.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bench/trace/tracer.hpp"

namespace threadlab::trace_testing {

// trace_check — what check_chrome_trace found.
struct trace_check {
  std::vector<std::string> problems;                       // empty: the file is well formed
  std::size_t spans = 0;                                   // X events, plus matched B/E pairs
  std::set<std::pair<std::int64_t, std::int64_t>> tracks;  // (pid, tid) with a span
};

// ns_of(value) — a ts or dur in microseconds as whole nanoseconds (the file has 3 decimals).
inline std::int64_t ns_of(const nlohmann::json& value) {
  return std::llround(value.get<double>() * 1000.0);
}

// check_chrome_trace(doc) — every span is "ph":"X" with ts >= 0 and dur >= 0, or a matched
// B/E pair; per (pid, tid), spans are in time order and do not overlap; every tid with a span
// has a thread_name metadata event; displayTimeUnit is "ns".
inline trace_check check_chrome_trace(const nlohmann::json& doc) {
  trace_check r;
  if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array()) {
    r.problems.push_back("no traceEvents array");
    return r;
  }
  if (doc.value("displayTimeUnit", "") != "ns") r.problems.push_back("displayTimeUnit is not ns");
  using track_id = std::pair<std::int64_t, std::int64_t>;
  std::set<track_id> named;
  std::map<track_id, std::int64_t> track_end;            // end of the last span seen
  std::map<track_id, std::vector<std::int64_t>> open_b;  // ts of unmatched B events
  auto add_span = [&](const track_id& track, std::int64_t ts, std::int64_t dur) {
    ++r.spans;
    r.tracks.insert(track);
    if (ts < 0 || dur < 0) r.problems.push_back("negative ts or dur at ts " + std::to_string(ts));
    const auto end = track_end.find(track);
    if (end != track_end.end() && ts < end->second) {
      r.problems.push_back("overlap or disorder on tid " + std::to_string(track.second) +
                           " at ts " + std::to_string(ts) + " ns");
    }
    track_end[track] = ts + dur;
  };
  for (const nlohmann::json& e : doc["traceEvents"]) {
    if (!e.is_object() || !e.contains("ph") || !e.contains("pid") || !e.contains("tid")) {
      r.problems.push_back("event without ph, pid or tid: " + e.dump());
      continue;
    }
    const std::string ph = e["ph"].get<std::string>();
    const track_id track{e["pid"].get<std::int64_t>(), e["tid"].get<std::int64_t>()};
    if (ph == "M") {
      if (e.value("name", "") == "thread_name" && e.contains("args") &&
          e["args"].contains("name") && e["args"]["name"].is_string()) {
        named.insert(track);
      }
    } else if (ph == "X") {
      if (!e.contains("ts") || !e.contains("dur") || !e["ts"].is_number() ||
          !e["dur"].is_number() || !e.contains("name")) {
        r.problems.push_back("X event without name, ts or dur: " + e.dump());
        continue;
      }
      add_span(track, ns_of(e["ts"]), ns_of(e["dur"]));
    } else if (ph == "B") {
      open_b[track].push_back(ns_of(e["ts"]));
    } else if (ph == "E") {
      auto& stack = open_b[track];
      if (stack.empty()) {
        r.problems.push_back("E without B on tid " + std::to_string(track.second));
        continue;
      }
      const std::int64_t begin = stack.back();
      stack.pop_back();
      add_span(track, begin, ns_of(e["ts"]) - begin);
    } else {
      r.problems.push_back("unexpected ph " + ph);
    }
  }
  for (const auto& [track, stack] : open_b) {
    if (!stack.empty()) r.problems.push_back("B without E on tid " + std::to_string(track.second));
  }
  for (const track_id& track : r.tracks) {
    if (named.count(track) == 0)
      r.problems.push_back("tid " + std::to_string(track.second) + " has no thread_name");
  }
  return r;
}

// event(t, thread, state, worker) — one synthetic tracer event.
inline trace_event event(std::uint64_t time_ns, std::uint64_t thread, thread_state state,
                         std::int32_t worker = -1) {
  return trace_event{time_ns, thread, worker, state};
}

}  // namespace threadlab::trace_testing
