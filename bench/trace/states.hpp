// bench/trace/states.hpp — where each model's thread-time goes: state accounting from trace events.
//
// `threadlab run --states` gives every repetition a tracer (bench/trace/tracer.hpp); afterwards
// account_states() turns the events into shares of thread-time, and append_state_metrics()
// adds them to the repetition's sample, so statistics and every report carry them.
//
// Definitions (every model the same):
//   thread-time  the sum over threads of first event → terminated (a thread with no
//                terminated event, e.g. when the log overflowed, counts up to its last event);
//   ready        time in `ready`, and in `new`: a new thread is runnable, waiting for its
//                first CPU or worker;
//   running      time in `running`;  blocked: time in `blocked`;
//   switches     transitions into running;  mean slice: running time / switches.
// When the tracer holds the kernel's per-thread totals (the 1:1 model), ready and running time
// and the switch count (timeslices) are the kernel's figures for those threads, and blocked is
// inferred: lifetime − running − ready (never below 0). tracer::provenance() says which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "bench/trace/tracer.hpp"
#include "bench/workload.hpp"

namespace threadlab {

// state_accounting — one run's totals over every thread.
struct state_accounting {
  double ready_ns = 0;
  double running_ns = 0;
  double blocked_ns = 0;
  std::uint64_t switches = 0;          // transitions into running (kernel: timeslices)
  std::uint64_t threads = 0;           // threads with at least one event
  std::uint64_t kernel_accounted = 0;  // threads whose ready/running came from kernel totals

  // thread_ns() — ready + running + blocked: the thread-time the shares divide.
  double thread_ns() const { return ready_ns + running_ns + blocked_ns; }
  // share(part_ns) — part_ns as a percentage of thread_ns(); 0 when there is no thread-time.
  double share(double part_ns) const;
  // mean_slice_ns() — running_ns / switches; 0 without switches.
  double mean_slice_ns() const;
};

// account_states(events, totals) — the accounting of one run's events (any order) and kernel
// totals (at most one per thread; entries for threads with no events are ignored).
state_accounting account_states(std::span<const trace_event> events,
                                std::span<const thread_totals> totals);

// account_states(t) — the same for everything t recorded. Owner only, after the run.
state_accounting account_states(const tracer& t);

// append_state_metrics(s, a) — appends ready_share, running_share, blocked_share (%),
// switches and mean_slice_ns to s.metrics.
void append_state_metrics(sample& s, const state_accounting& a);

// state_note(t) — one sentence for sample::note, starting "states: ": t's provenance (or that
// nothing was traced), and how many events or totals were dropped when its log overflowed.
std::string state_note(const tracer& t);

}  // namespace threadlab
