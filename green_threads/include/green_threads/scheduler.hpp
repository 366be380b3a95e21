// green_threads/scheduler.hpp — the N:1 scheduler: Boost.Fiber's round_robin on one kernel
// thread. This file is the design essay; the code it describes is Boost's, plus runtime.cpp.
//
// Cast of types.
//   boost::fibers::context        one per fiber, and one for the kernel thread's own stack
//                                 (the "main context") plus a "dispatcher" context. Holds the
//                                 suspended fiber's stack pointer and the queue hooks below.
//   boost::fibers::scheduler      one per kernel thread (thread_local), created on first use.
//                                 Owns the sleep queue, the terminated queue and the
//                                 remote-ready queue, and calls the algorithm.
//   boost::fibers::algo::round_robin   the policy: one FIFO ready queue.
//   green_threads::detail::world  per run(): launch policy, stack allocator, live-fiber census.
//
// Queues, and who may touch them. Every fiber of the world is in exactly one place:
//   running        the one context on the kernel thread; its stack is in use.
//   ready queue    (round_robin::rqueue_) touched only by the world's kernel thread: awakened()
//                  appends, pick_next() pops the front. FIFO: a fiber that yields goes behind
//                  every fiber that is ready now.
//   wait queues    one per mutex / condition variable / channel end / joined fiber; guarded by
//                  the primitive's spinlock (uncontended here: one kernel thread).
//   sleep queue    the scheduler's, ordered by deadline; only the owning kernel thread.
//   terminated     finished fibers whose stacks the scheduler releases on its next pass.
//   remote ready   for wake-ups from other kernel threads (a mutex unlocked by a fiber of
//                  another world); unused in an N:1 world.
//
// States (DESIGN.md §1): new = spawned with launch::post, in the ready queue, never run;
// ready = in the ready queue, its stack owned by nobody; running = on the kernel thread;
// blocked = on a wait or sleep queue; terminated = in the terminated queue until released.
//
// A switch (README.md): the running fiber calls into the scheduler (yield, blocking
// primitive, join, end); the scheduler asks round_robin for the next context and resumes it
// with boost::context's jump_fcontext, which saves the callee-saved registers and the stack
// pointer on the current stack and loads the other fiber's. No kernel entry, no lock.
//
// Parking (the kernel thread, when no fiber is ready):
//   1. the dispatcher context finds the ready queue empty;
//   2. it asks round_robin::suspend_until(earliest sleep deadline or "forever");
//   3. round_robin blocks the kernel thread on a std::condition_variable until that deadline
//      or until notify() (called when a fiber of another kernel thread readies one of ours).
//   With every fiber on this one thread, "forever" means the world is deadlocked: nothing on
//   another thread will wake it (the harness's watchdog reports it).
//
// Migration: none. N:1 means every fiber lives and dies on the world's kernel thread, so
// thread_local variables are stable within a fiber, and the world uses one core. One blocking
// system call (read on a socket, a page fault on a mapped file) stops every fiber.
//
// Shutdown (runtime.cpp):
//   1. run_world's kernel thread joins the body fiber (rethrow captured later);
//   2. it waits on the census until every spawned fiber has finished, joined or not;
//   3. it unbinds the world and returns; thread exit destroys the scheduler, which releases the
//      terminated fibers and with them their stacks; the last stack returns the pool.
//   4. the caller joins the kernel thread and rethrows body's exception, if any.
//
// Rejected alternatives.
//   * Running the world on the calling kernel thread: Boost's scheduler and algorithm stay
//     installed on that thread for its lifetime, so a later work_stealing run on the same
//     thread (or a stale algorithm from one) would leak into this world; a fresh thread per
//     run costs tens of µs, once.
//   * A round-robin of our own to report state transitions: observed_round_robin below
//     derives from Boost's round_robin and only adds the reports (detail/observing.hpp says
//     how each algorithm call maps to a transition), so the policy measured is Boost's.
//   * launch::post by default: breadth-first spawning keeps every leaf of a spawn tree alive
//     at once (runtime.hpp, launch_policy, has the skynet figures).
//
// Known limit, next step: with a FIFO ready queue even launch::dispatch keeps much of a spawn
// tree alive (the oldest waiting ancestor resumes first), which costs skynet most of its time
// in stack page faults. An algorithm of our own that wraps round_robin with a "run next" slot
// for the parent of a just-finished or just-spawned child (as Go's runnext) would make trees
// run depth-first; it belongs with the state-tracing wrapper of DESIGN.md §5.
#pragma once

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/context.hpp>

#include "detail/observing.hpp"

namespace green_threads {

// observed_round_robin — Boost's round_robin, reporting each transition it sees to the
// world's observer (observer.hpp). The policy is round_robin's, unchanged: every override
// reports, then delegates. With no observer each call adds one predictable branch.
// Constructed on the world's kernel thread by boost::fibers::use_scheduling_algorithm.
class observed_round_robin final : public boost::fibers::algo::round_robin {
 public:
  // observed_round_robin(shared) — shared: the world's observation, or nullptr when the world
  // is not observed. Precondition: *shared outlives the algorithm's kernel thread's fibers.
  explicit observed_round_robin(detail::observation* shared) noexcept : reporter_(shared, 0) {}

  void awakened(boost::fibers::context* ctx) noexcept override {
    reporter_.awakened(ctx);
    round_robin::awakened(ctx);
  }

  boost::fibers::context* pick_next() noexcept override {
    boost::fibers::context* next = round_robin::pick_next();
    reporter_.picked(next);
    return next;
  }

 private:
  detail::transition_reporter reporter_;
};

}  // namespace green_threads
