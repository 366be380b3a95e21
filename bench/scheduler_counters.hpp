// bench/scheduler_counters.hpp — what a model's scheduler counted during one repetition.
//
// Timings say how fast; these counters say why. A model adapter that can count reports, at the
// end of each M::run, the events its scheduler saw: threads spawned, queue pushes, steals, parks
// and unparks of workers, wake-ups that found no work, timer fires, hand-offs. The runner
// passes one sink per repetition (run_options::counters) and appends every counter to that
// repetition's sample as a metric named "sched_<name>" (unit "count"), so that each gets
// statistics over the repetitions and appears in the JSON and CSV reports; the terminal table
// and --states are unchanged. A spawn_join that suddenly costs twice as much shows up as steals
// or parks here.
//
// The names each model reports (each adapter in bench/models/ says what they mean there; a name
// two models share means the same event); a model that counts nothing reports nothing (zeros
// would read as data):
//   hybrid, hybrid_uring: threads_spawned, local_pushes, injection_pushes, lifo_hits, steals,
//     threads_stolen, worker_parks, worker_unparks, empty_wakeups, timer_fires, handoffs,
//     blocking_moves, stacks_mapped
//   green: threads_spawned, local_pushes, worker_parks, worker_unparks, park_timeouts,
//     idle_spins, unguarded_stacks (stacks without a guard page: the guard budget was spent)
//   boost_fiber_ws: green's, and steals, threads_stolen
//   kernel: threads_spawned (the body's thread included)
//   kernel_pool: tasks_submitted, worker_parks, worker_unparks, empty_wakeups
//   coroutines: hybrid's first ten (threads_spawned .. timer_fires), and frames_allocated,
//     frames_from_heap (the frame pool's misses), frame_bytes (the frame sizes asked for, summed)
// The schedulers keep the counts in per-worker plain counters (or under a lock they take for
// the event anyway) and sum them once, when the run ends: counting costs a few instructions
// per event and no shared cache line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace threadlab {

class scheduler_counters {
 public:
  // add(name, n) — n more events called name (a workload that enters M::run several times in
  // one repetition gets the sum). name: lower-case words joined by '_', e.g. "steals".
  void add(std::string_view name, std::uint64_t n) {
    for (auto& [known, value] : values_) {
      if (known == name) {
        value += n;
        return;
      }
    }
    values_.emplace_back(std::string(name), n);
  }
  // find(name) — the counter called name, or nothing when it was never reported.
  std::optional<std::uint64_t> find(std::string_view name) const {
    for (const auto& [known, value] : values_) {
      if (known == name) return value;
    }
    return std::nullopt;
  }
  // values() — every counter reported, in the order first reported.
  const std::vector<std::pair<std::string, std::uint64_t>>& values() const noexcept {
    return values_;
  }

 private:
  std::vector<std::pair<std::string, std::uint64_t>> values_;
};

}  // namespace threadlab
