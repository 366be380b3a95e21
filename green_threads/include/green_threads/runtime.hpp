// green_threads/runtime.hpp — enter an N:1 world: fibers on one kernel thread, round_robin.
//
// run(options, body) starts a fresh kernel thread, installs Boost.Fiber's round_robin
// scheduler on it (scheduler.hpp explains the design), runs body() there as the world's first
// fiber, waits for body and for every fiber spawned in the world, and returns; an exception
// escaping body is rethrown by run on the calling thread.
//
// Why a fresh kernel thread per run: Boost.Fiber keeps one scheduler per kernel thread,
// created on first use and destroyed at thread exit, and its algorithm stays installed for
// the thread's life. Running each world on its own thread makes run() repeatable from any
// thread, in any order with other Boost.Fiber worlds (the work_stealing peer installs a
// different algorithm on its threads), and gives every world a clean teardown: the
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
// parent goes on first) needs a scheduling algorithm of our own; see scheduler.hpp.
enum class launch_policy {
  // dispatch — at once: spawn switches to the child and the parent goes to the back of the
  // ready queue. The default: fewer fibers alive at once than post, and the child starts hot.
  dispatch,
  // post — later: the child is appended to the ready queue and spawn returns at once, so a
  // tree of spawns runs breadth-first and every leaf is alive at the same time.
  post,
};

// runtime_options — how one world is set up.
struct runtime_options {
  std::size_t stack_size = 0;             // bytes per fiber; 0: default_stack_size
  stack_kind stack = stack_kind::pooled;  // see stack.hpp
  launch_policy launch = launch_policy::dispatch;
  // observer — receives every state transition of every fiber of the world (observer.hpp);
  // nullptr: none, at the cost of one branch per scheduling decision. Not owned; must outlive
  // run().
  green_threads::observer* observer = nullptr;
};

// describe(options) — "round_robin, 1 kernel thread, pooled 32 KiB stacks, launch dispatch".
std::string describe(const runtime_options& options);

namespace detail {
// run_world(options, invoke, body) — run's type-erased core (runtime.cpp): invoke(body) runs
// as the world's first fiber.
void run_world(const runtime_options& options, void (*invoke)(void*), void* body);
}  // namespace detail

// run(options, body) — see the file comment. Precondition: not called from inside a world
// (runs do not nest). Guarantee: every effect of every fiber of the world happens-before run
// returns.
template <class Body>
void run(const runtime_options& options, Body&& body) {
  using body_type = std::remove_reference_t<Body>;
  detail::run_world(
      options, [](void* b) { (*static_cast<body_type*>(b))(); },
      const_cast<void*>(static_cast<const void*>(&body)));
}

}  // namespace green_threads
