// bench/trace/chrome.hpp — a timeline as a Chrome Trace Event Format file, the JSON that
// Perfetto (ui.perfetto.dev) and chrome://tracing open.
//
// What the file holds (the "JSON Object Format" of the Trace Event Format):
//   - one process (pid 1) named "<model>: <workload>", holding every thread of the model;
//   - one track per thread of the model, green threads and fibers included: tid 1, 2, ... in
//     the order the threads first appear, each named by a "thread_name" metadata event
//     ("ph":"M") and sorted by "thread_sort_index";
//   - one complete event ("ph":"X") per span: name = the state ("created", "ready", "running",
//     "blocked"), cat "state", ts and dur in microseconds (fractional: nanosecond precision),
//     cname = style_of(state).cname, and args.worker on spans of models with workers. A span
//     cut at the end of the trace carries args.open = true; a blocked span whose model said what
//     it waits for carries args.reason ("fd 12 readable", "a mutex", ...);
//   - "displayTimeUnit": "ns", and "otherData" with the workload, model, configuration, size,
//     workers, the model's provenance note (which states it observed, which it inferred),
//     and the events recorded, dropped and the tracer's capacity; when events were
//     dropped, otherData.truncated is true and otherData.warning says how many and what to do.
// Spans of one track never overlap and are in time order.
#pragma once

#include <string>

#include "bench/trace/timeline.hpp"

namespace threadlab {

// chrome_trace_json(tl, info) — the whole file as text.
std::string chrome_trace_json(const timeline& tl, const trace_info& info);

}  // namespace threadlab
