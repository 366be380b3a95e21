// bench/models/detail/work_stealing_counters.hpp — the counters our two work-stealing schedulers
// (hybrid, coroutines) share, reported once for both.
//
// ::hybrid::stats and ::coroutines::stats name the same events the same way (the coroutines
// scheduler is hybrid's design without stacks); each adapter reports these ten through
// report_work_stealing_counters and then adds its own (hybrid's hand-offs and stacks, the
// coroutines frame pool's figures) under the names bench/scheduler_counters.hpp lists.
#pragma once

#include "bench/scheduler_counters.hpp"

namespace threadlab::models::detail {

// report_work_stealing_counters(s, to) — threads_spawned, local_pushes, injection_pushes,
// lifo_hits, steals, threads_stolen, worker_parks, worker_unparks, empty_wakeups and timer_fires
// of one run's stats s.
template <class Stats>
void report_work_stealing_counters(const Stats& s, scheduler_counters& to) {
  to.add("threads_spawned", s.threads_spawned);
  to.add("local_pushes", s.local_pushes);
  to.add("injection_pushes", s.injection_pushes);
  to.add("lifo_hits", s.lifo_runs);
  to.add("steals", s.steals);
  to.add("threads_stolen", s.threads_stolen);
  to.add("worker_parks", s.worker_parks);
  to.add("worker_unparks", s.worker_unparks);
  to.add("empty_wakeups", s.empty_wakeups);
  to.add("timer_fires", s.timer_fires);
}

}  // namespace threadlab::models::detail
