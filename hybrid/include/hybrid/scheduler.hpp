// hybrid/scheduler.hpp — what a program may ask the M:N scheduler about itself: which worker
// it runs on, how many there are, and the counters of a run. The scheduler itself is private
// (hybrid/src/scheduler.cpp opens with its design).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hybrid {

// local_queue_capacity — slots in each worker's bounded local run queue. When it is full, half
// of it moves to the global injection queue. 256 is Tokio's and Go's value.
inline constexpr std::size_t local_queue_capacity = 256;

// lifo_streak_limit — how many times in a row a worker may run the thread in its LIFO slot
// while other threads wait. Past it, the LIFO thread goes to the back of the queue so that two
// threads that keep waking each other cannot starve the rest. Picked by hand (Tokio uses 3);
// pingpong latency does not depend on it when nothing else is ready.
inline constexpr unsigned lifo_streak_limit = 16;

// stats — counters of one run, summed over workers. Returned by hybrid::run.
struct stats {
  unsigned workers = 0;                // kernel workers that ran
  std::size_t stack_size = 0;          // bytes reserved per thread stack, guard page included
  std::uint64_t threads_spawned = 0;   // threads created, the body included
  std::uint64_t steals = 0;            // successful steal operations (each takes up to half)
  std::uint64_t threads_stolen = 0;    // threads moved by those steals
  std::uint64_t local_pushes = 0;      // threads put on a worker's local queue (not the LIFO slot)
  std::uint64_t injection_pushes = 0;  // threads put on the shared injection queue
  std::uint64_t lifo_runs = 0;         // threads run from a LIFO slot
  std::uint64_t worker_parks = 0;      // times a worker went to sleep
  std::uint64_t worker_unparks = 0;    // times a worker woke another for new work
  std::uint64_t empty_wakeups = 0;     // wake-ups after which the worker slept again, idle
  std::uint64_t timer_fires = 0;       // sleeps (and I/O deadlines) ended by their timer
  std::uint64_t stacks_mapped = 0;     // stacks created with mmap (the rest were reused)
  std::uint64_t unguarded_stacks = 0;  // stacks without a guard page (vm.max_map_count reached)
  std::uint64_t handoffs = 0;          // workers the monitor took from a stuck kernel thread
  std::uint64_t blocking_moves = 0;    // threads blocking(fn) moved to a spare kernel thread
  unsigned spare_carriers = 0;         // kernel threads created beyond `workers`, for both
};

// worker_id() — the index (0..worker_count()-1) of the worker running the caller.
// Precondition: called from a thread of hybrid::run. A thread may migrate between workers at
// any blocking call or yield, so the value may change across such calls. A thread running on a
// kernel thread of its own after blocking(fn) gets the worker it ran on last.
unsigned worker_id() noexcept;

// worker_count() — the number of workers of the current run. Precondition: inside hybrid::run.
unsigned worker_count() noexcept;

}  // namespace hybrid
