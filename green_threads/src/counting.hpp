// green_threads/src/counting.hpp — how a world's scheduling algorithms count (stats,
// scheduler.hpp).
//
// Each algorithm instance (one per kernel thread: polling_round_robin in round_robin.hpp,
// ws_algorithm in work_stealing.hpp) owns a worker_counts and bumps its plain fields on its own
// kernel thread: an increment per event, no atomic, no shared cache line. The one count made
// by another thread, a work_stealing worker's unparks (notify runs on the notifier's thread),
// is kept beside it under the mutex notify takes anyway. When an instance is destroyed (after
// the last fiber of its kernel thread: round_robin, at that thread's exit; work_stealing, when
// the world drops its team after joining every kernel thread and helper) it adds its counts to
// the world's stats_sink, which run reads once every instance is gone.
//
// Spawns are counted where they happen, in spawn (a template in thread.hpp), through
// count_spawn(): the calling kernel thread's algorithm registered its worker_counts with
// count_spawns_in() when it was constructed there.
#pragma once

#include <cstdint>
#include <mutex>

#include <green_threads/scheduler.hpp>

namespace green_threads::detail {

// worker_counts — one algorithm instance's counters; the fields of stats (same meanings).
struct worker_counts {
  std::uint64_t threads_spawned = 0;
  std::uint64_t local_pushes = 0;
  std::uint64_t steals = 0;
  std::uint64_t worker_parks = 0;
  std::uint64_t worker_unparks = 0;
  std::uint64_t park_timeouts = 0;
  std::uint64_t idle_spins = 0;
};

// stats_sink — a world's total. add() may be called from any thread (instances are usually
// destroyed one at a time, but nothing relies on it); total() after the last add.
class stats_sink {
 public:
  void add(const worker_counts& c) noexcept {
    const std::lock_guard lock(mutex_);
    total_.threads_spawned += c.threads_spawned;
    total_.local_pushes += c.local_pushes;
    total_.steals += c.steals;
    total_.threads_stolen += c.steals;  // Boost's policy moves one fiber per steal
    total_.worker_parks += c.worker_parks;
    total_.worker_unparks += c.worker_unparks;
    total_.park_timeouts += c.park_timeouts;
    total_.idle_spins += c.idle_spins;
  }
  stats total() const {
    const std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  mutable std::mutex mutex_;
  stats total_;  // guarded by mutex_
};

// count_spawns_in(c) — spawns made on the calling kernel thread count in *c from now on.
// Called by an algorithm's constructor, on its kernel thread; a world's kernel threads are
// fresh and end with it, so the registration never outlives the instance in use.
void count_spawns_in(worker_counts* c) noexcept;

}  // namespace green_threads::detail
