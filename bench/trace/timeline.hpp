// bench/trace/timeline.hpp — a tracer's raw events turned into a timeline: one track per
// thread, each a sequence of non-overlapping spans (state, worker, begin, end). It is the step
// both renderers share: the Chrome Trace Event writer (bench/trace/chrome.hpp) and the SVG
// timeline (bench/trace/svg.hpp). It also fixes the one state → colour mapping they both use,
// so a colour means the same thing in Perfetto, chrome://tracing and the picture.
//
// From events to spans: the events of one thread are sorted by time (ties keep the order in
// which they were recorded). Event i opens a span of its state that the next event of the same
// thread closes; consecutive events with the same state and worker make one span. `terminated`
// opens no span: it only closes the one before. A thread's last span, if it never terminated
// (or its terminated event was dropped), ends at the timeline's end — the last event of any
// thread — and is marked `open`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/trace/tracer.hpp"

namespace threadlab {

// state_style — how a state is drawn. cname is one of the colour names chrome://tracing
// reserves (its color scheme), rgb the same colour as "#rrggbb" for the SVG.
struct state_style {
  std::string_view cname;
  std::string_view rgb;
};

// style_of(s) — the fixed mapping: created grey, ready blue, running green, blocked orange,
// terminated black (terminated draws no span; the colour is for legends only).
constexpr state_style style_of(thread_state s) {
  switch (s) {
    case thread_state::created:
      return {"grey", "#dddddd"};
    case thread_state::ready:
      return {"thread_state_runnable", "#85a0d2"};
    case thread_state::running:
      return {"thread_state_running", "#7ec894"};
    case thread_state::blocked:
      return {"thread_state_iowait", "#ff8c00"};
    case thread_state::terminated:
      return {"black", "#000000"};
  }
  return {"black", "#000000"};
}

// span_states — the states that draw spans, in legend order.
inline constexpr thread_state span_states[] = {thread_state::created, thread_state::ready,
                                               thread_state::running, thread_state::blocked};

// span — thread was in `state` on `worker` (-1: the model has no workers) over
// [begin_ns, end_ns]; begin_ns <= end_ns.
struct span {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
  thread_state state = thread_state::created;
  std::int32_t worker = -1;
  bool open = false;  // the thread's last span, cut at the timeline's end (no closing event)
  wait_kind waiting = wait_kind::unknown;  // blocked: what for, when the model says
  std::uint64_t wait_detail = 0;
};

// thread_track — one thread's spans, in time order and not overlapping.
struct thread_track {
  std::uint64_t thread = 0;    // the model's id for it (trace_event::thread)
  std::string name;            // from tracer::name_thread, else "thread <id>"
  std::uint64_t first_ns = 0;  // its first event
  bool terminated = false;     // a terminated event was recorded
  std::vector<span> spans;
};

// timeline — every thread that has at least one event, ordered by first event (ties by id).
struct timeline {
  std::vector<thread_track> tracks;
  std::uint64_t begin_ns = 0;  // the first event of any thread (0 when there are none)
  std::uint64_t end_ns = 0;    // the last event of any thread
  std::size_t recorded = 0;    // events the tracer kept
  std::size_t dropped = 0;     // events it dropped because it was full
  std::size_t capacity = 0;    // its number of slots (--max-events)
  bool has_workers = false;    // some event names a worker (an M:N or pool model)
};

// dropped_warning(tl) — "recorded 1,000,000 events, dropped 42: raise --max-events", or ""
// when nothing was dropped.
std::string dropped_warning(const timeline& tl);

// trace_info — what was traced, for the file's metadata and titles.
struct trace_info {
  std::string workload;
  std::string model;
  std::string configuration;  // M::configuration(opts)
  std::uint64_t size = 0;
  unsigned workers = 0;
  std::string provenance;  // tracer::provenance(): which states the model observed
};

// build_timeline(events, count, names, dropped, capacity) — the timeline of these events. The
// events need not be sorted. names may name threads with no event (they are ignored) or name
// one thread twice (the last name wins).
timeline build_timeline(const trace_event* events, std::size_t count,
                        const std::vector<std::pair<std::uint64_t, std::string>>& names,
                        std::size_t dropped, std::size_t capacity);

// build_timeline(t) — the timeline of everything t recorded. Precondition: the run that
// recorded into t has finished (see tracer's thread rules).
timeline build_timeline(const tracer& t);

}  // namespace threadlab
