// green_threads/scheduler.hpp — what a program may ask the scheduler about itself: which kernel
// thread of its world runs it, and how many there are. The scheduler is Boost.Fiber's, driven
// by the algorithm the world was set up with (runtime.hpp); src/scheduler.cpp opens with the
// design.
#pragma once

namespace green_threads {

// worker_id() — the index (0..worker_count()-1) of the kernel thread running the caller; always
// 0 in a round_robin world. In a work_stealing world a fiber may move to another kernel thread
// at any yield or blocking call, so the value may change across such calls. Precondition:
// called from a fiber of a world.
unsigned worker_id() noexcept;

// worker_count() — the kernel threads of the caller's world: 1 for round_robin. Precondition:
// called from a fiber of a world.
unsigned worker_count() noexcept;

}  // namespace green_threads
