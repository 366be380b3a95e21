// bench/models/detail/trace_bridge.hpp — what every module-observer → tracer bridge shares.
//
// Each module (kernel_threads, green_threads, hybrid, coroutines) has its own thread_state enum
// with the same five enumerators (created, ready, running, blocked, terminated) and reports
// transitions with a steady_clock timestamp; the bridges differ only in the worker they attribute
// an event to and in how they name threads. The mapping and the forwarding are written once, here.
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

// to_trace_wait(w) — the tracer's name for a module's wait_kind: the six every module has
// (unknown, mutex, condition, channel, join, sleep) and, in a module with sockets, readable and
// writable, and with off-worker calls, blocking_call.
template <class Wait>
constexpr wait_kind to_trace_wait(Wait w) noexcept {
  if constexpr (requires { Wait::readable; }) {
    if (w == Wait::readable) return wait_kind::readable;
    if (w == Wait::writable) return wait_kind::writable;
  }
  if constexpr (requires { Wait::blocking_call; }) {
    if (w == Wait::blocking_call) return wait_kind::blocking_call;
  }
  switch (w) {
    case Wait::unknown:
      return wait_kind::unknown;
    case Wait::mutex:
      return wait_kind::mutex;
    case Wait::condition:
      return wait_kind::condition;
    case Wait::channel:
      return wait_kind::channel;
    case Wait::join:
      return wait_kind::join;
    case Wait::sleep:
      return wait_kind::sleep;
    default:
      return wait_kind::unknown;
  }
}

// forward_transition(sink, t, worker, name_prefix) — records a module's transition t (its
// thread_id, timestamp_ns, state, waiting and wait_detail) on sink as done by `worker`, and,
// when the thread is new, names it "<name_prefix> <id>" (a lock and an allocation: only while
// tracing). Thread-safe as the tracer is.
template <class Transition>
void forward_transition(tracer& sink, const Transition& t, std::int32_t worker,
                        std::string_view name_prefix) noexcept {
  const std::uint64_t id = t.thread_id;
  sink.record_at(sink.since_origin(t.timestamp_ns), id, worker, to_trace_state(t.state),
                 to_trace_wait(t.waiting), t.wait_detail);
  if (t.state == decltype(t.state)::created) {
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
