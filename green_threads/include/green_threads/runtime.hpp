// green_threads/runtime.hpp — enter a world of fibers: N:1 on one kernel thread with
// round_robin (the model this module is about), or over M kernel threads with Boost's
// work_stealing policy (the peer M:N model that our own hybrid/ scheduler is measured against).
//
// run(options, body) starts fresh kernel threads (one for round_robin, M for work_stealing),
// installs the scheduling algorithm on each (src/scheduler.cpp opens with the design), runs
// body() as the world's first fiber, waits for body and for every fiber spawned in the world,
// and returns what the world's scheduling algorithms counted (stats, scheduler.hpp); an
// exception escaping body is rethrown by run on the calling thread.
//
// Why a fresh kernel thread per run: Boost.Fiber keeps one scheduler per kernel thread,
// created on first use and destroyed at thread exit, and its algorithm stays installed for
// the thread's life. Running each world on its own threads makes run() repeatable from any
// thread, in any order with worlds of the other algorithm, and gives every world a clean
// teardown: the
// scheduler's destructor releases every terminated fiber and so every stack, and then the
// stack pool goes away. The cost, one thread creation and join (tens of µs), is paid once per
// run, outside anything a workload times. The price for callers: body does not run on the
// calling kernel thread, so it sees fresh thread_local variables.
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "observer.hpp"
#include "scheduler.hpp"
#include "stack.hpp"

namespace green_threads {

// launch_policy — when a freshly spawned fiber first runs.
//
// Measured on skynet (1,000,000 leaves, 1,111,111 fibers, each node joining its 10 children;
// one kernel thread, g++ 12 -O2, 2-core test machine, pooled 32 KiB stacks):
//   dispatch: 7.2 s, peak RSS +3.0 GiB      post: 20.2 s, peak RSS +8.7 GiB
// Neither is depth-first: round_robin's ready queue is FIFO, so when a leaf ends the *oldest*
// waiting ancestor resumes and starts a new branch while the younger ones wait, and a large
// part of the tree is alive at once. Nearly all the time goes to first-touch page faults of
// the stacks of live fibers. A depth-first order (Go's "runnext": the child runs next, the
// parent goes on first) needs a scheduling algorithm of our own; see src/scheduler.cpp.
enum class launch_policy {
  // dispatch — at once: spawn switches to the child and the parent goes to the back of the
  // ready queue. The default: fewer fibers alive at once than post, and the child starts hot.
  dispatch,
  // post — later: the child is appended to the ready queue and spawn returns at once, so a
  // tree of spawns runs breadth-first and every leaf is alive at the same time.
  post,
};

// algorithm — how the fibers of a world are scheduled.
enum class algorithm {
  // round_robin — N:1: one kernel thread, Boost's round_robin (one FIFO ready queue).
  round_robin,
  // work_stealing — M:N: options::workers kernel threads, each with its own ready queue, idle
  // ones stealing from the others; Boost 1.74's work_stealing policy, made restartable
  // (src/work_stealing.hpp says why and how).
  work_stealing,
};

// idle_policy — what a work_stealing kernel thread does when it finds no fiber to run.
enum class idle_policy {
  // spin — keep looking (Boost's default): the lowest wake-up latency, and a busy core each.
  spin,
  // sleep — wait on a condition variable until a fiber is readied for it or a timer is due.
  sleep,
};

// options — how one world is set up.
struct options {
  algorithm scheduling = algorithm::round_robin;
  // workers — kernel threads of a work_stealing world; 0: one per logical core. A round_robin
  // world has one, whatever this says.
  unsigned workers = 0;
  idle_policy idle = idle_policy::spin;   // work_stealing only
  std::size_t stack_size = 0;             // bytes per fiber; 0: default_stack_size
  stack_kind stack = stack_kind::pooled;  // see stack.hpp
  launch_policy launch = launch_policy::dispatch;
  // observer — receives every state transition of every fiber of the world (observer.hpp);
  // nullptr: none, at the cost of one branch per scheduling decision. Not owned; must outlive
  // run().
  green_threads::observer* observer = nullptr;
  // blocking_threads — the most helper kernel threads blocking(fn) may use at once
  // (blocking.hpp); they are created on demand and joined when the world ends.
  unsigned blocking_threads = 64;
};

// worker_count(o) — the kernel threads a world set up with o runs on.
unsigned worker_count(const options& o) noexcept;

// describe(options) — "round_robin, 1 kernel thread, pooled 32 KiB stacks with guard pages,
// launch dispatch, ...".
std::string describe(const options& options);

namespace detail {
// run_world(options, invoke, body) — run's type-erased core (src/scheduler.cpp): invoke(body)
// runs as the world's first fiber; returns the world's counters.
stats run_world(const options& options, void (*invoke)(void*), void* body);
}  // namespace detail

// run(options, body) — see the file comment. body is called in place (not copied): it may be
// move-only and may refer to the caller's locals. Precondition: not called from inside a world
// (runs do not nest). Guarantee: everything the caller did before run happens-before body
// starts; every effect of every fiber of the world happens-before run returns. Returns the
// counters of the world (scheduler.hpp: stats). Throws std::system_error when a kernel thread
// cannot be created.
template <class Body>
stats run(const options& options, Body&& body) {
  using body_type = std::remove_reference_t<Body>;
  return detail::run_world(
      options, [](void* b) { (*static_cast<body_type*>(b))(); },
      const_cast<void*>(static_cast<const void*>(&body)));
}

}  // namespace green_threads
