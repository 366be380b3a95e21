// tests/bench/states_wellformed.hpp — the shape every thread's trace must have, whatever the
// model: used by tests/bench (synthetic lists) and by the modules' bridge tests.
//
// Per thread, in recording order (which, for one thread, follows happens-before): the first
// event is new, the last is terminated and there is no other terminated; each step is one of
//   new → ready | running;  ready → running;  running → ready | blocked | terminated;
//   blocked → ready | running   (kernel threads see no ready: a wake-up returns as running).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/trace/tracer.hpp"

namespace threadlab::testing {

// allowed_step(from, to) — true when a thread may go from `from` to `to` directly.
inline bool allowed_step(thread_state from, thread_state to) {
  using s = thread_state;
  switch (from) {
    case s::created:
      return to == s::ready || to == s::running;
    case s::ready:
      return to == s::running;
    case s::running:
      return to == s::ready || to == s::blocked || to == s::terminated;
    case s::blocked:
      return to == s::ready || to == s::running;
    case s::terminated:
      return false;
  }
  return false;
}

// malformed_threads(events, count) — one line per thread whose sequence breaks the rules
// ("thread 3: running -> new at event 5"); empty when every thread is well formed.
inline std::vector<std::string> malformed_threads(const trace_event* events, std::size_t count) {
  std::map<std::uint64_t, std::vector<thread_state>> by_thread;
  for (std::size_t i = 0; i < count; ++i) by_thread[events[i].thread].push_back(events[i].state);
  std::vector<std::string> problems;
  for (const auto& [id, states] : by_thread) {
    const std::string who = "thread " + std::to_string(id) + ": ";
    if (states.front() != thread_state::created) {
      problems.push_back(who + "first event is " + std::string(to_string(states.front())));
      continue;
    }
    if (states.back() != thread_state::terminated) {
      problems.push_back(who + "last event is " + std::string(to_string(states.back())));
      continue;
    }
    for (std::size_t k = 1; k < states.size(); ++k) {
      if (!allowed_step(states[k - 1], states[k])) {
        problems.push_back(who + std::string(to_string(states[k - 1])) + " -> " +
                           std::string(to_string(states[k])) + " at step " + std::to_string(k));
        break;
      }
    }
  }
  return problems;
}

// thread_count(events, count) — how many distinct threads the events name.
inline std::size_t thread_count(const trace_event* events, std::size_t count) {
  std::map<std::uint64_t, int> seen;
  for (std::size_t i = 0; i < count; ++i) seen[events[i].thread] = 1;
  return seen.size();
}

}  // namespace threadlab::testing
