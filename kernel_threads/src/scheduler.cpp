// kernel_threads/src/scheduler.cpp — the 1:1 model's scheduler: the kernel's. The design essay,
// and the few calls this module makes to the kernel's scheduler directly.
//
// ============================================================================================
// DESIGN
// ============================================================================================
//
// The other modules open their scheduler.cpp with an essay in this same outline
// (green_threads/src/scheduler.cpp, hybrid/src/scheduler.cpp). Here the honest answer to most
// headings is "the kernel does it", and that contrast is the point: everything the user-space
// models build, the 1:1 model borrows from Linux, paying a system call and a kernel entry each
// time.
//
// The cast
// --------
//   kernel task              what clone() creates; one per kernel_threads::thread. Owns a TID,
//                            a kernel stack, a `struct task_struct` and a scheduling entity
//                            (`sched_entity`).
//   kernel_threads::thread   our handle. Owns the pthread (joins it) and the thread_state
//                            (callable, name, captured exception). It schedules nothing.
//   detail::world            per run(): the options every thread of the run is created with,
//                            and the census run() waits on (runtime.hpp).
//   kernel_threads::thread_pool  a fixed set of threads plus one FIFO queue of tasks: the only
//                            queue this module owns.
//
// The queues, and who may touch each
// ----------------------------------
//   Per-CPU run queues of the fair class (CFS; since Linux 6.6 its EEVDF successor, still a
//   red-black tree of tasks ordered by virtual time, one per CPU). Ready kernel threads wait
//   here. Touched only by the kernel, under the run queue's lock.
//   Futex wait queues (a hash table keyed by the futex word's address). Threads blocked in a
//   mutex, condition variable, channel or join wait here. Touched by the kernel on
//   futex(FUTEX_WAIT / FUTEX_WAKE) system calls.
//   thread_pool's task queue: a std::deque under the pool's mutex, pushed by submit() on any
//   thread, popped by the pool's workers. A task in the queue is not a thread: it has no stack
//   and no state beyond its closure and promise.
//
// States: where a thread is and who owns it
// -----------------------------------------
//   created     the handle's constructor, just before pthread_create: the task does not exist
//               yet (observer.hpp reports it from the creator).
//   ready       TASK_RUNNING and queued in one CPU's run queue; the kernel owns the decision of
//               when it runs. User space never sees this state: the observer reads the time
//               spent in it afterwards, from /proc/thread-self/schedstat.
//   running     TASK_RUNNING on a CPU (`R` in /proc/PID/task/TID/stat).
//   blocked     TASK_INTERRUPTIBLE (`S`) on a futex wait queue, or TASK_UNINTERRUPTIBLE (`D`)
//               in the kernel (disk I/O, page faults).
//   terminated  the function returned; the task has exited and cleared its TID word, and its
//               stack stays mapped until pthread_join (or glibc's stack cache) reclaims it.
//
// Parking (blocking), as steps, and preemption
// --------------------------------------------
// What happens in kernel_threads::channel::pop on an empty channel (std::condition_variable
// on glibc):
//   1. Under the channel's mutex, see the queue empty; the condition variable records the wait
//      and releases the mutex (an atomic in user space, plus a FUTEX_WAKE if someone waits for
//      the mutex).
//   2. futex(FUTEX_WAIT, &word, expected): the kernel rechecks the word under the futex bucket
//      lock (this recheck is what prevents a lost wake-up between step 1 and sleeping), then
//      dequeues the task from its CPU's run queue and schedules another task.
//   3. A push calls notify_one: futex(FUTEX_WAKE) moves one waiter back to a run queue (ready);
//      it runs when CFS picks it, then relocks the mutex and rechecks its predicate.
// Cost: two system calls and two context switches through the kernel, microseconds in all,
// against tens of nanoseconds for a user-space fiber switch.
// Unlike the user-space models, a kernel thread that never blocks or yields still leaves its
// CPU: the timer tick (and CFS's slice accounting) preempts it, so one CPU hog cannot starve
// the others. A blocking system call blocks that thread only.
//
// Blocking and hogs
// -----------------
// Nothing to build: the kernel preempts a hog at the end of its slice (CFS aims to give each
// runnable task of a CPU its share within sched_latency, a few milliseconds, so a thread that
// sleeps 1 ms beside hogs wakes within a slice of its deadline), and a blocking system call
// blocks only its caller. blocking(fn) therefore runs fn inline (bench/models/detail/
// kernel_threads_base.hpp). The price is paid elsewhere: every thread is a kernel task, with
// its stack and a kernel entry per block and wake-up. kernel_pool's tasks are not threads: a
// task that blocks in the kernel holds one of the pool's workers, and with every worker
// blocked the queue waits, the pool's version of the N:1 stall.
//
// Migration
// ---------
// The kernel's load balancer moves ready tasks between CPUs' run queues (periodic balancing,
// idle balancing, wake-up placement in select_task_rq_fair), at any moment, since it preempts.
// Nothing here influences it; sched_setaffinity could, and this module deliberately does not,
// so the comparison shows the kernel's default behaviour. thread_local variables belong to the
// kernel thread and never change under a thread's feet.
//
// Shutdown
// --------
// A kernel thread ends when its callable returns: the kernel clears the TID word registered
// with CLONE_CHILD_CLEARTID and wakes that futex, which is what pthread_join sleeps on.
// kernel_threads::thread asks for an end cooperatively (std::stop_token) and never cancels or
// kills. run() joins its body, then waits on the census until every thread spawned in the run
// has finished its function. thread_pool::shutdown stops accepting, then drains or cancels the
// queue, then joins every worker (steps in src/thread_pool.cpp). The pool amortizes thread
// creation (a queue push instead of clone + mmap) but cannot park a task: a task that blocks
// holds its worker, so tasks that wait on other tasks can deadlock once every worker waits
// (why the kernel_pool model lacks waits_on_threads).
//
// Rejected alternatives
// ---------------------
//   * std::jthread directly: it cannot take pthread attributes (stack size), and an exception
//     escaping it calls std::terminate. We keep its semantics and create the thread ourselves.
//   * Naming each thread from the creator (pthread_setname_np on another thread writes
//     /proc/self/task/TID/comm: open + write + close): the thread names itself with one
//     prctl(PR_SET_NAME) before running user code instead.
//   * A work-stealing or lock-free pool queue: a worker that finds the queue empty sleeps in
//     the kernel anyway, so the mutex is not the cost that matters; the peer M:N models are
//     where queue design is measured.
//   * pthread_cancel for shutdown: it unwinds at arbitrary cancellation points and leaks locks
//     held by user code; cooperative stop tokens are the C++20 answer.
// ============================================================================================
#include <sched.h>

#include <kernel_threads/scheduler.hpp>
#include <kernel_threads/thread.hpp>

namespace kernel_threads {

unsigned worker_id() noexcept {
  const int cpu = ::sched_getcpu();
  return cpu < 0 ? 0 : static_cast<unsigned>(cpu);
}

unsigned worker_count() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  const int n = CPU_COUNT(&set);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

namespace this_thread {

void yield() noexcept { ::sched_yield(); }

}  // namespace this_thread

}  // namespace kernel_threads
