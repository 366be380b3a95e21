// hybrid/sync.hpp — mutex and condition_variable that block the green thread, never its
// kernel worker: while a thread waits, its worker runs other threads.
//
// Guarantees, in user terms: everything a thread did before mutex::unlock() is visible to the
// thread that next returns from lock(); everything a thread did before notify_one/notify_all
// is visible to a waiter that returns from wait() because of that notification.
//
// Cancellation: condition_variable::wait has a std::stop_token overload (as
// std::condition_variable_any does); a stop request wakes the waiter. mutex::lock is not a
// cancellation point, as in the standard library: a lock is held briefly, so a thread blocked on
// it stops soon after it gets it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stop_token>

#include "detail/park.hpp"
#include "detail/spinlock.hpp"

namespace hybrid {

// mutex — a non-recursive lock for green threads (Lockable: works with std::unique_lock).
// Like Go's sync.Mutex: unlock() frees the lock and wakes the oldest waiter, which competes
// with running threads for it (a running thread may take it first: fast under contention);
// a waiter that has waited over a millisecond is handed the lock directly, so none starves.
class HYBRID_CAPABILITY("mutex") mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  // ~mutex — precondition: unlocked, no waiters.
  ~mutex() = default;

  // lock() — acquire, blocking the calling green thread while another holds it.
  // Precondition: inside hybrid::run; the caller does not hold it.
  void lock() HYBRID_ACQUIRE();
  // try_lock() — acquire if free; never blocks.
  bool try_lock() noexcept HYBRID_TRY_ACQUIRE(true);
  // unlock() — release, and make the oldest waiter (if any) ready: to compete for the lock,
  // or as its owner when it has waited too long. Precondition: the caller holds it.
  void unlock() noexcept HYBRID_RELEASE();

 private:
  // waiter — a blocked lock(): starving, set by the waiter, asks unlock for a hand-off; handed,
  // set by unlock (under waiters_lock_), says the lock is the waiter's.
  struct waiter : detail::wait_node {
    bool starving = false;
    bool handed = false;
  };
  // lock_slow() — lock() once the fast path and the spinning failed: park until owned.
  void lock_slow() HYBRID_ACQUIRE();

  // state_: 0 unlocked, 1 locked, 2 locked and the wait list may be non-empty.
  std::atomic<std::uint32_t> state_{0};
  detail::spinlock waiters_lock_;
  detail::wait_list waiters_ HYBRID_GUARDED_BY(waiters_lock_);
};

// condition_variable — std::condition_variable's semantics for green threads (spurious
// wake-ups allowed, so always wait in a loop or with a predicate).
class condition_variable {
 public:
  condition_variable() = default;
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // wait(lock) — atomically release lock's mutex and block until notified, then re-acquire.
  // Precondition: lock owns its mutex; inside hybrid::run. (Not analysed: the mutex is held
  // through a std::unique_lock, which clang's analysis cannot see.)
  void wait(std::unique_lock<mutex>& lock) HYBRID_NO_THREAD_SAFETY_ANALYSIS;

  // wait(lock, pred) — while (!pred()) wait(lock).
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate pred) {
    while (!pred()) wait(lock);
  }

  // wait(lock, token) — as wait(lock), but also returns (with the mutex re-acquired) once a
  // stop is requested on token; at once if it already was. Precondition: as wait(lock).
  void wait(std::unique_lock<mutex>& lock, std::stop_token token) HYBRID_NO_THREAD_SAFETY_ANALYSIS;

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
  void notify_one() noexcept;
  // notify_all() — wake every current waiter.
  void notify_all() noexcept;

 private:
  detail::spinlock lock_;
  detail::wait_list waiters_ HYBRID_GUARDED_BY(lock_);
};

}  // namespace hybrid
