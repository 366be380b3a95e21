// kernel_threads/scheduler.hpp — what a program may ask the scheduler about itself: which CPU
// runs it, and how many it may run on. The scheduler is the kernel's; src/scheduler.cpp opens
// with the design (and says what the kernel does where the other modules have code).
#pragma once

namespace kernel_threads {

// worker_id() — the CPU the calling thread is running on now (sched_getcpu), the 1:1 model's
// "worker". The kernel may move a thread to another CPU at any moment, even between two
// instructions (it preempts), so the value is a hint. 0 when the kernel cannot tell.
unsigned worker_id() noexcept;

// worker_count() — the CPUs the calling thread may run on (its affinity mask), at least 1.
unsigned worker_count() noexcept;

}  // namespace kernel_threads
