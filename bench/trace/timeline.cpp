// bench/trace/timeline.cpp — raw tracer events to per-thread spans (see trace_timeline.hpp).
#include "bench/trace/timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "bench/report/units.hpp"

namespace threadlab {

namespace {

// append_span(track, e, next_ns, open) — e opens a span ending at next_ns, merged into the
// track's last span when that one has the same state and worker and ends where this one
// begins.
void append_span(thread_track& track, const trace_event& e, std::uint64_t next_ns, bool open) {
  if (!track.spans.empty()) {
    span& last = track.spans.back();
    if (last.state == e.state && last.worker == e.worker && last.end_ns == e.time_ns &&
        last.waiting == e.waiting && last.wait_detail == e.wait_detail) {
      last.end_ns = next_ns;
      last.open = open;
      return;
    }
  }
  track.spans.push_back(
      span{e.time_ns, next_ns, e.state, e.worker, open, e.waiting, e.wait_detail});
}

}  // namespace

std::string dropped_warning(const timeline& tl) {
  if (tl.dropped == 0) return "";
  return fmt::format("recorded {} events, dropped {}: raise --max-events", grouped(tl.recorded),
                     grouped(tl.dropped));
}

timeline build_timeline(const trace_event* events, std::size_t count,
                        const std::vector<std::pair<std::uint64_t, std::string>>& names,
                        std::size_t dropped, std::size_t capacity) {
  timeline tl;
  tl.recorded = count;
  tl.dropped = dropped;
  tl.capacity = capacity;
  if (count == 0) return tl;

  // Slot order is kept for ties: stable sort by (thread, time).
  std::vector<trace_event> sorted(events, events + count);
  std::stable_sort(sorted.begin(), sorted.end(), [](const trace_event& a, const trace_event& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.time_ns < b.time_ns;
  });
  tl.begin_ns = sorted.front().time_ns;
  tl.end_ns = sorted.front().time_ns;
  for (const trace_event& e : sorted) {
    tl.begin_ns = std::min(tl.begin_ns, e.time_ns);
    tl.end_ns = std::max(tl.end_ns, e.time_ns);
    tl.has_workers = tl.has_workers || e.worker >= 0;
  }

  std::unordered_map<std::uint64_t, std::string> name_of;
  for (const auto& [thread, name] : names) name_of[thread] = name;

  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t end = i;
    while (end < sorted.size() && sorted[end].thread == sorted[i].thread) ++end;
    thread_track track;
    track.thread = sorted[i].thread;
    track.first_ns = sorted[i].time_ns;
    const auto named = name_of.find(track.thread);
    track.name = named != name_of.end() ? named->second : "thread " + std::to_string(track.thread);
    for (std::size_t k = i; k < end; ++k) {
      const trace_event& e = sorted[k];
      if (e.state == thread_state::terminated) {
        track.terminated = true;
        continue;
      }
      const bool last = k + 1 == end;
      append_span(track, e, last ? tl.end_ns : sorted[k + 1].time_ns, last);
    }
    tl.tracks.push_back(std::move(track));
    i = end;
  }
  std::sort(tl.tracks.begin(), tl.tracks.end(), [](const thread_track& a, const thread_track& b) {
    return a.first_ns != b.first_ns ? a.first_ns < b.first_ns : a.thread < b.thread;
  });
  return tl;
}

timeline build_timeline(const tracer& t) {
  return build_timeline(t.events(), t.recorded(), t.names(), t.dropped(), t.capacity());
}

std::string describe_wait(wait_kind kind, std::uint64_t detail) {
  switch (kind) {
    case wait_kind::unknown:
      return {};
    case wait_kind::mutex:
      return "a mutex";
    case wait_kind::condition:
      return "a condition variable";
    case wait_kind::channel:
      return "a channel";
    case wait_kind::join:
      return "a join";
    case wait_kind::sleep:
      return "a timer";
    case wait_kind::readable:
      return "fd " + std::to_string(detail) + " readable";
    case wait_kind::writable:
      return "fd " + std::to_string(detail) + " writable";
    case wait_kind::blocking_call:
      return "a blocking call";
  }
  return {};
}

}  // namespace threadlab
