// green_threads/sync.hpp — a mutex and a condition variable that block a fiber, not its kernel
// thread.
//
// These are Boost.Fiber's own primitives, named here so that the three modules (kernel_threads,
// green_threads, hybrid) offer the same vocabulary. A fiber that finds the mutex taken, or
// waits on the condition variable, is unlinked from the ready queue and put on the primitive's
// wait queue; the kernel thread goes on running other fibers. unlock() / notify_*() move one (or
// every) waiter back to its scheduler's ready queue. Both work across kernel threads too
// (Boost guards them with a spinlock), which the work_stealing adapter relies on.
#pragma once

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>

namespace green_threads {

// mutex — a non-recursive fiber mutex meeting the Lockable requirements (works with
// std::unique_lock, std::lock_guard, std::scoped_lock). Guarantee: everything a fiber did
// before unlock() is visible to the next fiber that returns from lock() or a true try_lock().
// Preconditions: lock/try_lock/unlock are called from a fiber; unlock by the owner only.
using mutex = boost::fibers::mutex;

// condition_variable — waits with a std::unique_lock<green_threads::mutex>, with
// std::condition_variable's semantics, spurious wake-ups included: always wait in a loop or
// with a predicate. Guarantee: a waiter woken by notify_one/notify_all re-acquires the mutex
// before wait returns, so it sees everything the notifier did under that mutex.
// Precondition: wait is called from a fiber that holds the lock.
using condition_variable = boost::fibers::condition_variable;

}  // namespace green_threads
