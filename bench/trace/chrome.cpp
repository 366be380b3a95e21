// bench/trace/chrome.cpp — writing the Chrome Trace Event Format (see trace_chrome.hpp). The
// text is written with fmt rather than built as an nlohmann::json tree: a trace of a million
// events would otherwise hold a million small objects at once. nlohmann_json only quotes
// strings.
#include "bench/trace/chrome.hpp"

#include <fmt/format.h>

#include <iterator>
#include <nlohmann/json.hpp>

namespace threadlab {

namespace {

// microseconds(ns) — ns as the exact decimal number of microseconds Chrome's "ts" expects.
std::string microseconds(std::uint64_t ns) { return fmt::format("{}.{:03}", ns / 1000, ns % 1000); }

// quoted(text) — text as a JSON string literal.
std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

constexpr int trace_pid = 1;

}  // namespace

std::string chrome_trace_json(const timeline& tl, const trace_info& info) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"displayTimeUnit\":\"ns\",\n\"otherData\":{{");
  fmt::format_to(it,
                 "\"generator\":\"threadlab trace\",\"workload\":{},\"model\":{},"
                 "\"configuration\":{},\"size\":{},\"workers\":{},\"events_recorded\":{},"
                 "\"events_dropped\":{},\"max_events\":{},\"threads\":{},\"truncated\":{}",
                 quoted(info.workload), quoted(info.model), quoted(info.configuration), info.size,
                 info.workers, tl.recorded, tl.dropped, tl.capacity, tl.tracks.size(),
                 tl.dropped > 0 ? "true" : "false");
  if (!info.provenance.empty()) fmt::format_to(it, ",\"provenance\":{}", quoted(info.provenance));
  if (tl.dropped > 0) fmt::format_to(it, ",\"warning\":{}", quoted(dropped_warning(tl)));
  fmt::format_to(it, "}},\n\"traceEvents\":[\n");

  fmt::format_to(it, "{{\"ph\":\"M\",\"pid\":{},\"tid\":0,\"name\":\"process_name\",", trace_pid);
  fmt::format_to(it, "\"args\":{{\"name\":{}}}}}", quoted(info.model + ": " + info.workload));
  for (std::size_t i = 0; i < tl.tracks.size(); ++i) {
    const thread_track& track = tl.tracks[i];
    const std::size_t tid = i + 1;
    fmt::format_to(it,
                   ",\n{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"thread_name\","
                   "\"args\":{{\"name\":{}}}}}",
                   trace_pid, tid, quoted(track.name));
    fmt::format_to(it,
                   ",\n{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"thread_sort_index\","
                   "\"args\":{{\"sort_index\":{}}}}}",
                   trace_pid, tid, tid);
    for (const span& s : track.spans) {
      fmt::format_to(it,
                     ",\n{{\"ph\":\"X\",\"pid\":{},\"tid\":{},\"name\":\"{}\",\"cat\":\"state\","
                     "\"ts\":{},\"dur\":{},\"cname\":\"{}\"",
                     trace_pid, tid, to_string(s.state), microseconds(s.begin_ns),
                     microseconds(s.end_ns - s.begin_ns), style_of(s.state).cname);
      const std::string reason =
          s.state == thread_state::blocked ? describe_wait(s.waiting, s.wait_detail) : "";
      if (s.worker >= 0 || s.open || !reason.empty()) {
        fmt::format_to(it, ",\"args\":{{");
        const char* comma = "";
        if (s.worker >= 0) {
          fmt::format_to(it, "\"worker\":{}", s.worker);
          comma = ",";
        }
        if (s.open) {
          fmt::format_to(it, "{}\"open\":true", comma);
          comma = ",";
        }
        if (!reason.empty()) fmt::format_to(it, "{}\"reason\":{}", comma, quoted(reason));
        fmt::format_to(it, "}}");
      }
      fmt::format_to(it, "}}");
    }
  }
  fmt::format_to(it, "\n]}}\n");
  return out;
}

}  // namespace threadlab
