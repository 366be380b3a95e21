// green_threads/sync.hpp — a mutex and a condition variable that block a fiber, not its kernel
// thread.
//
// A fiber that finds the mutex taken, or waits on the condition variable, is unlinked from the
// ready queue and put on the primitive's wait queue; the kernel thread goes on running other
// fibers. unlock() / notify_*() move one (or every) waiter back to its scheduler's ready queue.
// Both work across kernel threads too (a spinlock guards each wait queue), which a world of
// several kernel threads (options::algorithm, work_stealing) relies on.
//
// The mutex is Boost.Fiber's own. The condition variable is ours, built from the same parts as
// Boost's (detail/wait_queue.hpp), because it adds what Boost's lacks: a wait that a
// std::stop_token can end (std::condition_variable_any's stoppable wait).
#pragma once

#include <mutex>
#include <stop_token>

#include <boost/fiber/context.hpp>
#include <boost/fiber/mutex.hpp>

#include "detail/wait_queue.hpp"

namespace green_threads {

// mutex — a non-recursive fiber mutex meeting the Lockable requirements (works with
// std::unique_lock, std::lock_guard, std::scoped_lock). Guarantee: everything a fiber did
// before unlock() is visible to the next fiber that returns from lock() or a true try_lock().
// Preconditions: lock/try_lock/unlock are called from a fiber; unlock by the owner only. lock()
// is not a cancellation point, as in the standard library: a lock is held briefly, so a fiber
// blocked on it stops soon after it gets it.
using mutex = boost::fibers::mutex;

// condition_variable — waits with a std::unique_lock<green_threads::mutex>, with
// std::condition_variable's semantics, spurious wake-ups included: always wait in a loop or
// with a predicate. Guarantee: a waiter woken by notify_one/notify_all re-acquires the mutex
// before wait returns, so it sees everything the notifier did under that mutex.
// Precondition of every wait: called from a fiber that holds the lock.
class condition_variable {
 public:
  condition_variable() = default;
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;
  // ~condition_variable — precondition: no fiber waits on it.
  ~condition_variable() = default;

  // wait(lock) — atomically release lock's mutex and block until notified, then re-acquire.
  void wait(std::unique_lock<mutex>& lock) { wait_with(lock, nullptr); }

  // wait(lock, pred) — while (!pred()) wait(lock).
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate pred) {
    while (!pred()) wait(lock);
  }

  // wait(lock, token) — as wait(lock), but also returns (with the mutex re-acquired) once a
  // stop is requested on token; at once if it already was.
  void wait(std::unique_lock<mutex>& lock, std::stop_token token) {
    {
      const std::stop_callback<detail::wait_canceller> on_stop(
          token, detail::wait_canceller{&spinlock_, boost::fibers::context::active()});
      wait_with(lock, &token);
    }  // unregistered before the mutex is taken again: see wait_with
    lock.lock();
  }

  // wait(lock, token, pred) — std::condition_variable_any's stoppable wait: block until pred()
  // holds or a stop is requested on token, and return pred().
  template <class Predicate>
  bool wait(std::unique_lock<mutex>& lock, std::stop_token token, Predicate pred) {
    while (!token.stop_requested()) {
      if (pred()) return true;
      wait(lock, token);
    }
    return pred();
  }

  // notify_one() — wake the oldest waiter, if any.
  void notify_one() noexcept {
    detail::spinlock_lock guard(spinlock_);
    detail::wake_one(waiters_, guard, boost::fibers::context::active());
  }
  // notify_all() — wake every current waiter.
  void notify_all() noexcept {
    detail::spinlock_lock guard(spinlock_);
    detail::wake_all(waiters_, boost::fibers::context::active());
  }

 private:
  // wait_with(lock, token) — enqueue, release the mutex, suspend; token (null: not stoppable) is
  // checked under spinlock_ first. Leaves the mutex released when token is set (the caller
  // re-acquires it once its stop callback is gone: a late callback must never find the fiber
  // linked into the mutex's own wait queue), re-acquired otherwise.
  void wait_with(std::unique_lock<mutex>& lock, const std::stop_token* token) {
    boost::fibers::context* self = boost::fibers::context::active();
    detail::spinlock_lock guard(spinlock_);
    if (token && token->stop_requested()) {
      guard.unlock();
      lock.unlock();
      return;
    }
    // Linked before the mutex is released: a notify after this point cannot be missed.
    self->wait_link(waiters_);
    self->twstatus.store(0, std::memory_order_release);  // see detail::park
    lock.unlock();
    self->suspend(guard);
    if (!token) lock.lock();
  }

  detail::spinlock spinlock_;
  detail::wait_queue waiters_;  // guarded by spinlock_
};

}  // namespace green_threads
