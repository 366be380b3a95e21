// bench/models/detail/green_bridge.hpp — green_threads::observer → threadlab::tracer.
//
// Used by the two adapters built on green_threads: `green` (one kernel thread: worker -1) and
// `boost_fiber_ws` (M kernel threads: the worker index). Fiber ids are the module's (1, 2, ...
// in order of first sighting, unique within a world), so they are unique within the run.
#pragma once

#include <cstdint>
#include <string>

#include <green_threads/observer.hpp>

#include "../../trace.hpp"

namespace threadlab::models::detail {

// to_trace_state(s) — the tracer's name for a green_threads state.
constexpr thread_state to_trace_state(green_threads::thread_state s) noexcept {
  switch (s) {
    case green_threads::thread_state::fresh:
      return thread_state::created;
    case green_threads::thread_state::ready:
      return thread_state::ready;
    case green_threads::thread_state::running:
      return thread_state::running;
    case green_threads::thread_state::blocked:
      return thread_state::blocked;
    case green_threads::thread_state::terminated:
      return thread_state::terminated;
  }
  return thread_state::created;
}

// green_bridge — forwards each transition to a tracer, naming each fiber as it appears.
// Thread-safe as the tracer is (on_transition may run on several kernel threads at once).
class green_bridge final : public green_threads::observer {
 public:
  // green_bridge(sink, has_workers) — has_workers false: events carry worker -1 (N:1).
  green_bridge(tracer& sink, bool has_workers) noexcept : sink_(sink), has_workers_(has_workers) {}

  void on_transition(const green_threads::transition& t) noexcept override {
    const std::int32_t worker = has_workers_ ? static_cast<std::int32_t>(t.worker_id) : -1;
    sink_.record_at(sink_.since_origin(t.timestamp_ns), t.thread_id, worker,
                    to_trace_state(t.state));
    if (t.state == green_threads::thread_state::fresh) {
      try {
        sink_.name_thread(t.thread_id, "fiber " + std::to_string(t.thread_id));
      } catch (...) {
        // Out of memory for a name: the timeline shows the id alone.
      }
    }
  }

 private:
  tracer& sink_;
  bool has_workers_;
};

}  // namespace threadlab::models::detail
