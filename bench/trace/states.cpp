// bench/trace/states.cpp — from trace events to shares of thread-time (definitions in states.hpp).
#include "bench/trace/states.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace threadlab {

namespace {

// add_interval(a, state, ns) — time spent in state goes to its column.
void add_interval(state_accounting& a, thread_state state, double ns) {
  switch (state) {
    case thread_state::created:
    case thread_state::ready:
      a.ready_ns += ns;
      break;
    case thread_state::running:
      a.running_ns += ns;
      break;
    case thread_state::blocked:
      a.blocked_ns += ns;
      break;
    case thread_state::terminated:
      break;  // after the end: not thread-time
  }
}

}  // namespace

double state_accounting::share(double part_ns) const {
  const double total = thread_ns();
  return total > 0 ? 100.0 * part_ns / total : 0.0;
}

double state_accounting::mean_slice_ns() const {
  return switches > 0 ? running_ns / static_cast<double>(switches) : 0.0;
}

state_accounting account_states(std::span<const trace_event> events,
                                std::span<const thread_totals> totals) {
  // Each thread's events, sorted by time below.
  std::unordered_map<std::uint64_t, std::vector<trace_event>> threads;
  for (const trace_event& e : events) threads[e.thread].push_back(e);
  std::unordered_map<std::uint64_t, const thread_totals*> kernel;
  for (const thread_totals& t : totals) kernel[t.thread] = &t;

  state_accounting a;
  for (auto& [id, ev] : threads) {
    // stable: events with equal stamps keep their recording order (created before running).
    std::stable_sort(ev.begin(), ev.end(), [](const trace_event& x, const trace_event& y) {
      return x.time_ns < y.time_ns;
    });
    ++a.threads;
    const auto end = std::find_if(ev.begin(), ev.end(), [](const trace_event& e) {
      return e.state == thread_state::terminated;
    });
    const std::uint64_t last_ns = end != ev.end() ? end->time_ns : ev.back().time_ns;
    const double lifetime_ns = static_cast<double>(last_ns - ev.front().time_ns);

    if (const auto k = kernel.find(id); k != kernel.end()) {
      // The kernel's figures: observed ready and running; blocked is what is left.
      const double run = static_cast<double>(k->second->run_ns);
      const double wait = static_cast<double>(k->second->wait_ns);
      a.running_ns += run;
      a.ready_ns += wait;
      a.blocked_ns += std::max(0.0, lifetime_ns - run - wait);
      a.switches += k->second->timeslices;
      ++a.kernel_accounted;
      continue;
    }
    for (auto it = ev.begin(); it != ev.end() && it->time_ns < last_ns; ++it) {
      if (it->state == thread_state::terminated) break;
      const auto next = std::next(it);
      const std::uint64_t until = next != ev.end() ? std::min(next->time_ns, last_ns) : last_ns;
      add_interval(a, it->state, static_cast<double>(until - it->time_ns));
    }
    for (auto it = ev.begin(); it != end; ++it) {
      if (it->state == thread_state::running) ++a.switches;
    }
  }
  return a;
}

state_accounting account_states(const tracer& t) {
  return account_states(std::span<const trace_event>(t.events(), t.recorded()),
                        std::span<const thread_totals>(t.totals(), t.totals_count()));
}

void append_state_metrics(sample& s, const state_accounting& a) {
  auto add = [&s](const char* name, const char* unit, double value) {
    s.metrics.push_back(metric_value{name, unit, value, true});
  };
  add("ready_share", "%", a.share(a.ready_ns));
  add("running_share", "%", a.share(a.running_ns));
  add("blocked_share", "%", a.share(a.blocked_ns));
  add("switches", "switches", static_cast<double>(a.switches));
  add("mean_slice_ns", "ns", a.mean_slice_ns());
}

std::string state_note(const tracer& t) {
  if (t.recorded() == 0) {
    return "states: not traced (the model's adapter reported no transitions)";
  }
  std::string note =
      "states: " + (t.provenance().empty() ? std::string("provenance not stated") : t.provenance());
  if (t.dropped() != 0 || t.totals_dropped() != 0) {
    note += fmt::format(
        " (log full: {} events and {} kernel totals dropped; shares cover what "
        "was kept)",
        t.dropped(), t.totals_dropped());
  }
  return note;
}

}  // namespace threadlab
