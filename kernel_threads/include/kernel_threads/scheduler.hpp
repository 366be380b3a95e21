// kernel_threads/scheduler.hpp — the 1:1 model's scheduler: the kernel's. A design essay; no code.
//
// The other two modules open their scheduler files with an essay in this same outline
// (green_threads/scheduler.hpp, hybrid/scheduler.hpp). Here the honest answer to most headings
// is "the kernel does it", and that contrast is the point: everything the user-space models
// build, the 1:1 model borrows from Linux, paying a system call and a kernel entry each time.
//
// 1. Cast of types.
//    - kernel task: what clone() creates; one per kernel_threads::thread. Owns a TID, a kernel
//      stack, a `struct task_struct` and a scheduling entity (`sched_entity`).
//    - kernel_threads::thread: our handle. Owns the pthread (joins it) and the thread_state
//      (callable, name, captured exception). It does not schedule anything.
//    - kernel_threads::thread_pool: a fixed set of threads plus one FIFO queue of tasks. The
//      only queue this module owns.
//
// 2. The queues and who touches them.
//    - Per-CPU run queues of the fair class (CFS; since Linux 6.6 its EEVDF successor — still
//      a red-black tree of tasks ordered by virtual time, one per CPU). Ready kernel threads
//      wait here. Touched only by the kernel, under the run queue's lock.
//    - Futex wait queues (a hash table keyed by the futex word's address). Threads blocked in
//      a mutex, condition variable, channel or join wait here. Touched by the kernel on
//      futex(FUTEX_WAIT / FUTEX_WAKE) system calls.
//    - thread_pool's task queue: a std::deque under the pool's mutex, pushed by submit() on any
//      thread, popped by the pool's workers. Tasks are not threads: a task in the queue has no
//      stack and no state beyond its closure and promise.
//
// 3. Parking (blocking), as steps — what happens in kernel_threads::channel::pop on an empty
//    channel (std::condition_variable::wait on glibc):
//    1. Under the channel's mutex, see the queue empty; the condition variable records the
//       wait and releases the mutex (an atomic in user space, plus a FUTEX_WAKE if someone
//       waits for the mutex).
//    2. futex(FUTEX_WAIT, &word, expected): the kernel rechecks the word under the futex
//       bucket lock — this recheck is what prevents a lost wake-up between step 1 and sleeping —
//       then dequeues the task from its CPU's run queue and schedules another task.
//    3. A push calls notify_one: futex(FUTEX_WAKE) moves one waiter back to a run queue
//       (ready); it runs when CFS picks it, then relocks the mutex and rechecks its predicate.
//    Cost: two system calls and two context switches through the kernel, microseconds in all,
//    against tens of nanoseconds for a user-space fiber switch.
//
// 4. Migration. The kernel's load balancer moves ready tasks between CPUs' run queues
//    (periodic balancing, idle balancing, wake-up placement in select_task_rq_fair). Nothing
//    here influences it; sched_setaffinity could, and this module deliberately does not, so the
//    comparison shows the kernel's default behaviour.
//
// 5. Shutdown. A kernel thread ends when its callable returns: the kernel clears the TID word
//    registered with CLONE_CHILD_CLEARTID and wakes that futex, which is what pthread_join
//    sleeps on. kernel_threads::thread asks for an end cooperatively (std::stop_token) and never
//    cancels or kills. thread_pool::shutdown stops accepting, then drains or cancels the queue,
//    then joins every worker (steps in src/thread_pool.cpp).
//
// 6. Preemption. Unlike the user-space models, a kernel thread that never blocks or yields is
//    still preempted: the timer tick (and CFS's slice accounting) forces a switch, so one CPU hog
//    cannot starve the others — the fairness workload shows this difference.
//
// 7. What the pool adds, and what it cannot. thread_pool amortizes thread creation (a queue
//    push instead of clone + mmap) and caps the number of kernel threads. It cannot park a
//    task: a task that blocks holds its worker, so tasks that wait on other tasks can deadlock
//    once every worker waits (why the kernel_pool model lacks waits_on_threads).
//
// 8. Rejected alternatives.
//    - std::jthread directly: it cannot take pthread attributes (stack size), and an exception
//      escaping it calls std::terminate. We keep its semantics and create the thread ourselves.
//    - Naming each thread from the creator (pthread_setname_np on another thread writes
//      /proc/self/task/TID/comm: open + write + close): the thread names itself with one
//      prctl(PR_SET_NAME) before running user code instead.
//    - A work-stealing or lock-free pool queue: a worker that finds the queue empty sleeps in
//      the kernel anyway, so the mutex is not the cost that matters; the peer M:N models are
//      where queue design is measured.
//    - pthread_cancel for shutdown: it unwinds at arbitrary cancellation points and leaks
//      locks held by user code; cooperative stop tokens are the C++20 answer.
#pragma once
