// kernel_threads/sync.hpp — the 1:1 model's mutex and condition variable: the standard ones.
//
// In the 1:1 model a thread of the program *is* a kernel thread, so blocking the kernel thread
// is exactly right: these are std::mutex and std::condition_variable, named here so that the
// three modules offer the same header with the same names (compare the sync.hpp of
// green_threads and of hybrid, which must implement theirs). The only addition is the
// observer hook (observer.hpp): a thinnest wrapper reports `blocked` around the calls that will
// sleep, so that a traced thread's timeline shows its waits. lock() tries the lock first and
// reports only when that fails; the uncontended path is the same single compare-exchange.
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
//
// Cancellation: condition_variable::wait has a std::stop_token overload (as
// std::condition_variable_any does); a stop request wakes the waiter. mutex::lock is not a
// cancellation point, as in the standard library.
#pragma once

#include <condition_variable>
#include <mutex>
#include <stop_token>

#include "observer.hpp"

namespace kernel_threads {

// mutex — std::mutex (a futex-based pthread mutex) with the blocked hook. Meets Lockable; not
// recursive. Guarantee: unlock() synchronizes-with the next lock() or successful try_lock().
class mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  // lock() — takes the mutex, sleeping in the kernel while another thread holds it.
  // Precondition: the calling thread does not hold it.
  void lock() {
    if (native_.try_lock()) return;
    blocked_scope blocked(wait_kind::mutex);
    native_.lock();
  }
  // try_lock() — takes the mutex if it is free; never sleeps.
  bool try_lock() noexcept { return native_.try_lock(); }
  // unlock() — precondition: the calling thread holds the mutex.
  void unlock() noexcept { native_.unlock(); }

  // native() — the std::mutex inside, for condition_variable.
  std::mutex& native() noexcept { return native_; }

 private:
  std::mutex native_;
};

// condition_variable — std::condition_variable, waiting with std::unique_lock<kernel_threads::
// mutex>. Spurious wake-ups are permitted, as the standard says: wait with a predicate.
// Guarantee: a waiter re-acquires the mutex before wait returns, so it sees everything the
// notifier did under that mutex.
class condition_variable {
 public:
  condition_variable() = default;
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // wait(lock) — releases lock's mutex, sleeps until notified (or spuriously), re-acquires it.
  // Precondition: lock owns its mutex, on the calling thread.
  void wait(std::unique_lock<mutex>& lock) {
    blocked_scope blocked(wait_kind::condition);
    // The std::mutex inside is the one lock holds: adopt it for the standard wait, and give it
    // back (still locked) to lock afterwards.
    std::unique_lock<std::mutex> inner(lock.mutex()->native(), std::adopt_lock);
    native_.wait(inner);
    static_cast<void>(inner.release());
  }
  // wait(lock, pred) — wait(lock) until pred() is true; returns at once when it already is.
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate pred) {
    while (!pred()) wait(lock);
  }

  // wait(lock, token, pred) — std::condition_variable_any's stoppable wait: block until pred()
  // holds or a stop is requested on token, and return pred(). The stop request wakes the
  // waiter through a std::stop_callback that takes lock's mutex and notifies: the waiter checks
  // the token under that mutex, so the request cannot fall between the check and the sleep.
  // The callback is registered (and unregistered) with the mutex released, since a callback
  // that runs at once, or that another thread is running, needs it.
  template <class Predicate>
  bool wait(std::unique_lock<mutex>& lock, std::stop_token token, Predicate pred) {
    if (token.stop_requested()) return pred();
    mutex* m = lock.mutex();
    auto wake = [this, m] {
      const std::lock_guard guard(*m);
      notify_all();
    };
    lock.unlock();
    bool satisfied = false;
    {
      const std::stop_callback<decltype(wake)> on_stop(token, wake);
      lock.lock();
      while (!(satisfied = pred()) && !token.stop_requested()) wait(lock);
      lock.unlock();
    }
    lock.lock();
    return satisfied || pred();
  }

  void notify_one() noexcept { native_.notify_one(); }
  void notify_all() noexcept { native_.notify_all(); }

 private:
  std::condition_variable native_;
};

}  // namespace kernel_threads
