// green_threads/scheduler.hpp — what a program may ask the scheduler about itself: which kernel
// thread of its world runs it, how many there are, and the counters of a world. The scheduler
// is Boost.Fiber's, driven by the algorithm the world was set up with (runtime.hpp);
// src/scheduler.cpp opens with the design.
#pragma once

#include <cstdint>

namespace green_threads {

// stats — what the scheduling algorithms of one world counted, summed over its kernel threads.
// Returned by run (runtime.hpp). Each kernel thread counts in plain fields of its own algorithm
// instance (src/counting.hpp): one increment per event, no shared cache line; the world adds
// each instance's counts to its total when the instance is destroyed, after its last fiber.
// The fields hybrid::stats also has mean the same events.
struct stats {
  unsigned workers = 0;               // kernel threads that ran the world's fibers
  std::uint64_t threads_spawned = 0;  // fibers created, the body included
  // local_pushes — fibers put on a kernel thread's ready queue (algorithm::awakened): spawned
  // with launch::post, woken, or yielding. A fiber spawned with launch::dispatch runs at once
  // and is not pushed (its parent is). The kernel thread's own main and dispatcher contexts
  // are not counted. Picks are not counted apart: a fiber leaves a ready queue only when
  // pick_next takes it (from its own queue or a peer's) and every queue is empty when the world
  // ends, so they would equal local_pushes, for an increment on every switch.
  std::uint64_t local_pushes = 0;
  std::uint64_t steals = 0;          // work_stealing: fibers taken from a peer's ready queue
  std::uint64_t threads_stolen = 0;  // fibers moved by those steals (one each: Boost's policy)
  // worker_parks — times an idle kernel thread waited for work (algorithm::suspend_until):
  // round_robin, an epoll_wait with a non-zero timeout; work_stealing with idle_policy::sleep,
  // a condition-variable wait entered with no notify pending. Spinning is not parking.
  std::uint64_t worker_parks = 0;
  // worker_unparks — parks ended by notify(), a fiber of that kernel thread readied from
  // another kernel thread (a blocking(fn) helper, a peer). Each park is ended by at most one.
  std::uint64_t worker_unparks = 0;
  // park_timeouts — parks ended by their deadline, the earliest sleeping fiber's (sleep_for, a
  // timed wait). work_stealing: worker_parks == worker_unparks + park_timeouts; round_robin
  // parks may also end on a socket event, which is neither.
  std::uint64_t park_timeouts = 0;
  // idle_spins — times a kernel thread found nothing to run and went round again without
  // waiting: every idle pass of work_stealing with idle_policy::spin (Boost's default), and a
  // round_robin pass whose earliest deadline had already come.
  std::uint64_t idle_spins = 0;
  // unguarded_stacks — stacks the world's pool carved without a guard page, the process's
  // guard budget being spent (stack.hpp): fibers on them overflow silently. Counted by the
  // stack pool, not by the algorithms.
  std::uint64_t unguarded_stacks = 0;
};

// worker_id() — the index (0..worker_count()-1) of the kernel thread running the caller; always
// 0 in a round_robin world. In a work_stealing world a fiber may move to another kernel thread
// at any yield or blocking call, so the value may change across such calls. Precondition:
// called from a fiber of a world.
unsigned worker_id() noexcept;

// worker_count() — the kernel threads of the caller's world: 1 for round_robin. Precondition:
// called from a fiber of a world.
unsigned worker_count() noexcept;

}  // namespace green_threads
