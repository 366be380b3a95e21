// bench/models/detail/trace_bridge.hpp — what every module-observer → tracer bridge shares.
//
// Each module (kernel_threads, green_threads, hybrid) has its own thread_state enum with the
// same five enumerators (created, ready, running, blocked, terminated) and reports transitions
// with a steady_clock timestamp; the bridges differ only in the worker they attribute an event
// to and in how they name threads. The mapping and the forwarding are written once, here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "bench/trace/tracer.hpp"

namespace threadlab::models::detail {

// to_trace_state(s) — the tracer's name for a module's state. State: any module's
// thread_state (an enum with the five enumerators above).
template <class State>
constexpr thread_state to_trace_state(State s) noexcept {
  switch (s) {
    case State::created:
      return thread_state::created;
    case State::ready:
      return thread_state::ready;
    case State::running:
      return thread_state::running;
    case State::blocked:
      return thread_state::blocked;
    case State::terminated:
      return thread_state::terminated;
  }
  return thread_state::created;
}

// forward_transition(sink, timestamp_ns, id, worker, state, name_prefix) — records the event
// on sink and, when the thread is new, names it "<name_prefix> <id>" (a lock and an allocation:
// only while tracing). Thread-safe as the tracer is.
template <class State>
void forward_transition(tracer& sink, std::int64_t timestamp_ns, std::uint64_t id,
                        std::int32_t worker, State state, std::string_view name_prefix) noexcept {
  sink.record_at(sink.since_origin(timestamp_ns), id, worker, to_trace_state(state));
  if (state == State::created) {
    try {
      std::string name(name_prefix);
      name += ' ';
      name += std::to_string(id);
      sink.name_thread(id, std::move(name));
    } catch (...) {
      // Out of memory for a name: the timeline shows the id alone.
    }
  }
}

}  // namespace threadlab::models::detail
