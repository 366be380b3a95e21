// kernel_threads/sync.hpp — the 1:1 model's mutex and condition variable: the standard ones.
//
// In the 1:1 model a thread of the program *is* a kernel thread, so blocking the kernel thread
// is exactly right and the standard primitives need no wrapper. They are aliases, named here so
// that the three modules offer the same header with the same names (compare the sync.hpp of
// green_threads and of hybrid, which must implement theirs).
//
// What they cost on Linux/glibc (see README.md, "blocking"):
//   - mutex::lock uncontended: one atomic compare-exchange in user space, no system call.
//     Contended: futex(FUTEX_WAIT) at once (std::mutex is glibc's default, non-adaptive mutex
//     type: it does not spin) — the kernel takes the thread off its CPU's run queue until
//     unlock's futex(FUTEX_WAKE) puts it back.
//   - condition_variable::wait: releases the mutex and sleeps in futex(FUTEX_WAIT) on a word
//     inside the condition variable; notify_one/notify_all issue futex(FUTEX_WAKE) only when a
//     waiter exists. Spurious wake-ups are permitted, as the standard says: always wait with a
//     predicate.
//
// Guarantees (the standard's): unlock() of a mutex synchronizes-with the next lock() of it, so
// everything written under the lock is visible to the next holder.
#pragma once

#include <condition_variable>
#include <mutex>

namespace kernel_threads {

// mutex — std::mutex (a futex-based pthread mutex). Meets Lockable; not recursive.
using mutex = std::mutex;

// condition_variable — std::condition_variable; waits with std::unique_lock<kernel_threads::mutex>.
using condition_variable = std::condition_variable;

}  // namespace kernel_threads
