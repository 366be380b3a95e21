// coroutines/scheduler.hpp — what a program may ask the coroutine scheduler about itself: which
// worker it runs on, how many there are, and the counters of a run. The scheduler itself is
// private (coroutines/src/scheduler.cpp opens with its design).
#pragma once

#include <cstddef>
#include <cstdint>

namespace coroutines {

// local_queue_capacity — slots in each worker's bounded local run queue. When it is full, half
// of it moves to the global injection queue.
inline constexpr std::size_t local_queue_capacity = 256;

// lifo_streak_limit — how many times in a row a worker may run the thread in its LIFO slot while
// other threads wait; past it the LIFO thread goes to the back of the worker's FIFO list, so two
// threads that keep waking each other cannot starve the rest.
inline constexpr unsigned lifo_streak_limit = 16;

// stats — counters of one run, summed over workers. Returned by coroutines::run.
struct stats {
  unsigned workers = 0;                // kernel workers that ran
  std::uint64_t threads_spawned = 0;   // coroutine threads spawned, the body included
  std::uint64_t steals = 0;            // successful steal operations (each takes up to half)
  std::uint64_t threads_stolen = 0;    // threads moved by those steals
  std::uint64_t local_pushes = 0;      // threads put on a worker's local queue
  std::uint64_t injection_pushes = 0;  // threads put on the shared injection queue
  std::uint64_t lifo_runs = 0;         // threads resumed from a LIFO slot
  std::uint64_t worker_parks = 0;      // times a worker went to sleep
  std::uint64_t worker_unparks = 0;    // times a worker woke another for new work
  std::uint64_t empty_wakeups = 0;     // wake-ups after which the worker found nothing to run
  std::uint64_t timer_fires = 0;       // sleeps ended by their timer (not by a stop request)
  std::uint64_t io_wakeups = 0;        // threads a socket event woke (the netpoller)
  std::uint64_t frames_allocated = 0;  // coroutine frames and thread control blocks allocated
  std::uint64_t frames_from_heap = 0;  // of those, the ones the frame pool had to take from new
  std::uint64_t frame_bytes = 0;       // the sizes the compiler asked for, summed
  std::size_t largest_frame = 0;       // the largest single size asked for
};

// worker_id() — the index (0..worker_count()-1) of the worker resuming the caller. A thread may
// move to another worker at any co_await that suspends, so the value may change across one.
// Precondition: called from a thread of coroutines::run.
unsigned worker_id() noexcept;

// worker_count() — the number of workers of the current run. Precondition: inside run.
unsigned worker_count() noexcept;

}  // namespace coroutines
