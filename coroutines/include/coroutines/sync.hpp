// coroutines/sync.hpp — mutex and condition_variable for coroutine threads: a wait is a co_await
// that suspends the coroutine, never its kernel worker.
//
//   co_await m.lock(); ... m.unlock();                  the plain form
//   coroutines::unique_lock lock = co_await m.scoped_lock();   unlocks when it goes out of scope
//   co_await cv.wait(lock, [&] { return ready; });       the predicate form
//   bool ok = co_await cv.wait(lock, token, [&] { return ready; });   stoppable
//
// Guarantees, in user terms: everything a thread did before mutex::unlock() is visible to the
// thread that next acquires it; everything a thread did before notify_one/notify_all is visible
// to a waiter that returns from wait() because of that notification.
//
// Cancellation, as in hybrid and the standard library: condition_variable::wait has a
// std::stop_token overload (as std::condition_variable_any does), and a stop request wakes the
// waiter; mutex::lock is not a cancellation point.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <utility>

#include "detail/park.hpp"
#include "detail/spinlock.hpp"
#include "task.hpp"

namespace coroutines {

class unique_lock;
class mutex;

namespace detail {
// condition_node — a thread in a condition variable's wait list, and the mutex it re-acquires
// when notified: set for a plain wait (moved to that mutex's waiters), null for a stoppable one
// (made ready, and locks again by itself).
struct condition_node : wait_node {
  coroutines::mutex* relock = nullptr;
};
}  // namespace detail

// mutex — a non-recursive lock for coroutine threads. unlock() hands the lock directly to the
// oldest waiter, if any (FIFO: no waiter starves; sync.cpp says what that costs).
class mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  // ~mutex — precondition: unlocked, no waiters.
  ~mutex() = default;

  // lock_awaiter — `co_await m.lock()`: acquire, suspending the calling thread while another
  // holds the lock.
  class lock_awaiter {
   public:
    explicit lock_awaiter(mutex& m) noexcept : mutex_(m) {}
    bool await_ready() noexcept { return mutex_.try_lock(); }
    bool await_suspend(std::coroutine_handle<> h) noexcept { return mutex_.lock_slow(h, node_); }
    void await_resume() const noexcept {}

   protected:
    mutex& mutex_;

   private:
    detail::wait_node node_;
  };

  // scoped_lock_awaiter — `co_await m.scoped_lock()`: lock(), and return a unique_lock that owns
  // the mutex.
  class scoped_lock_awaiter : public lock_awaiter {
   public:
    using lock_awaiter::lock_awaiter;
    unique_lock await_resume() const noexcept;
  };

  // lock() / scoped_lock() — the awaitables above. Precondition: inside a coroutine thread; the
  // caller does not hold the mutex.
  [[nodiscard]] lock_awaiter lock() noexcept { return lock_awaiter(*this); }
  [[nodiscard]] scoped_lock_awaiter scoped_lock() noexcept { return scoped_lock_awaiter(*this); }

  // try_lock() — acquire if free; never suspends.
  bool try_lock() noexcept {
    std::uint32_t expected = unlocked;
    // acquire: pairs with the release in unlock(); the last holder's writes are visible.
    return state_.compare_exchange_strong(expected, locked, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  // unlock() — release; the oldest waiter, if any, becomes the owner and ready. Never suspends.
  // Precondition: the caller holds the mutex.
  void unlock() noexcept;

 private:
  friend class condition_variable;
  // relock(node) — node's thread, notified in a condition wait, takes the mutex back without
  // running first: made ready as the owner if the mutex is free, else queued behind its waiters
  // (unlock hands it over in turn). Never suspends the caller.
  void relock(detail::wait_node& node) noexcept;
  // take_or_contend() — with waiters_lock_ held: take the free mutex (true), or mark it
  // contended so that unlock looks at the waiters (false).
  bool take_or_contend() noexcept;

  // lock_slow(h, node) — the lock was taken at await_ready: queue node and suspend (true), or
  // take the lock after all (false).
  bool lock_slow(std::coroutine_handle<> h, detail::wait_node& node) noexcept;

  // state_: unlocked, locked, or locked with waiters possibly queued (unlock takes the slow path).
  static constexpr std::uint32_t unlocked = 0;
  static constexpr std::uint32_t locked = 1;
  static constexpr std::uint32_t contended = 2;
  std::atomic<std::uint32_t> state_{unlocked};
  detail::spinlock waiters_lock_;
  detail::wait_list waiters_;  // under waiters_lock_
};

// unique_lock — owns a locked coroutines::mutex and unlocks it when destroyed (the RAII guard
// that std::unique_lock cannot be here: its lock() would call mutex::lock() and drop the
// awaitable, locking nothing). Movable.
class unique_lock {
  using mutex_type = coroutines::mutex;

 public:
  unique_lock() noexcept = default;
  // unique_lock(m, std::adopt_lock) — own m, which the caller has locked.
  unique_lock(mutex_type& m, std::adopt_lock_t) noexcept : mutex_(&m), owns_(true) {}
  unique_lock(unique_lock&& other) noexcept
      : mutex_(std::exchange(other.mutex_, nullptr)), owns_(std::exchange(other.owns_, false)) {}
  unique_lock& operator=(unique_lock&& other) noexcept {
    if (this != &other) {
      if (owns_) mutex_->unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
      owns_ = std::exchange(other.owns_, false);
    }
    return *this;
  }
  ~unique_lock() {
    if (owns_) mutex_->unlock();
  }

  // unlock() — release the mutex early. Precondition: owns_lock().
  void unlock() noexcept {
    mutex_->unlock();
    owns_ = false;
  }
  // lock() — `co_await lock.lock()`: acquire the mutex again. Precondition: !owns_lock().
  [[nodiscard]] task<void> lock();

  bool owns_lock() const noexcept { return owns_; }
  // mutex() — the mutex this lock refers to (std::unique_lock's name for it).
  mutex_type* mutex() const noexcept { return mutex_; }

 private:
  mutex_type* mutex_ = nullptr;
  bool owns_ = false;
};

inline unique_lock mutex::scoped_lock_awaiter::await_resume() const noexcept {
  return unique_lock(mutex_, std::adopt_lock);
}

// condition_variable — std::condition_variable's semantics for coroutine threads (spurious
// wake-ups allowed: wait in a loop or with a predicate). Each wait is a task: co_await it.
class condition_variable {
 public:
  condition_variable() = default;
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // plain_wait_awaiter — `co_await cv.wait(lock)`: queue the thread, release the mutex,
  // suspend. A notification does not make the thread ready: it moves it to the mutex (relock),
  // which makes it ready as the owner once the mutex is its (wait morphing). So the wait is
  // one suspension, and its state (the node) sits in the caller's frame: no task of its own.
  class plain_wait_awaiter {
   public:
    explicit plain_wait_awaiter(condition_variable& cv, unique_lock& lock) noexcept
        : cv_(cv), mutex_(lock.mutex()) {}
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { cv_.suspend_plain(h, node_, *mutex_); }
    void await_resume() const noexcept {}

   private:
    condition_variable& cv_;
    coroutines::mutex* mutex_;
    detail::condition_node node_;
  };

  // wait(lock) — atomically release lock's mutex and suspend until notified, then re-acquire
  // (the awaitable above). Precondition: lock owns its mutex; inside a coroutine thread.
  [[nodiscard]] plain_wait_awaiter wait(unique_lock& lock) noexcept {
    return plain_wait_awaiter(*this, lock);
  }

  // wait(lock, pred) — while (!pred()) wait(lock).
  template <class Predicate>
  [[nodiscard]] task<void> wait(unique_lock& lock, Predicate pred) {
    while (!pred()) co_await wait(lock);
  }

  // wait(lock, token) — as wait(lock), but also returns (with the mutex re-acquired) once a
  // stop is requested on token; at once if it already was.
  [[nodiscard]] task<void> wait(unique_lock& lock, std::stop_token token) {
    return wait_once(lock, std::move(token));
  }

  // wait(lock, token, pred) — std::condition_variable_any's stoppable wait: suspend until pred()
  // holds or a stop is requested on token, and return pred().
  template <class Predicate>
  [[nodiscard]] task<bool> wait(unique_lock& lock, std::stop_token token, Predicate pred) {
    while (!token.stop_requested()) {
      if (pred()) co_return true;
      co_await wait_once(lock, token);
    }
    co_return pred();
  }

  // notify_one() — wake the oldest waiter, if any.
  void notify_one() noexcept;
  // notify_all() — wake every current waiter.
  void notify_all() noexcept;

 private:
  class wait_awaiter;
  // suspend_plain(h, node, m) — plain_wait_awaiter's suspension: queue node (to be relocked on
  // m), release m.
  void suspend_plain(std::coroutine_handle<> h, detail::condition_node& node,
                     coroutines::mutex& m) noexcept;
  // wake(node) — a notified waiter: relocked on its mutex (a plain wait) or made ready (a
  // stoppable wait, which re-locks by itself).
  static void wake(detail::condition_node* node) noexcept;
  // wait_once(lock, token) — every wait's one suspension: queue, release the mutex, suspend until
  // notified or stopped (an empty token: never), re-acquire.
  task<void> wait_once(unique_lock& lock, std::stop_token token);
  detail::spinlock lock_;
  detail::wait_list waiters_;  // of condition_nodes, under lock_
};

}  // namespace coroutines
