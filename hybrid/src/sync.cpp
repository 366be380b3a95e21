// hybrid/src/sync.cpp — mutex and condition_variable for green threads.
//
// Both keep their waiters in a wait_list under a spinlock and park with park_and_unlock, so a
// waiter is only ever woken after its context is saved (detail/park.hpp).
//
// mutex states: 0 unlocked; 1 locked; 2 locked and maybe waiters. Fast paths are one CAS.
// A waiter sets 2 and enqueues itself in one critical section of waiters_lock_, so an unlock
// that fails its 1→0 CAS always finds the waiter once it takes waiters_lock_, and hands the
// lock over directly (the state stays "locked"; the waiter owns it when it resumes).
#include <hybrid/sync.hpp>

#include "carrier.hpp"
#include "scheduler.hpp"
#include "worker.hpp"

namespace hybrid {

namespace {
// lock_spins — how long lock() spins on a held mutex before it parks: 4 x 30 PAUSEs (~3 us
// here), Go's sync.Mutex values (active_spin, active_spin_cnt). A critical section held by a
// thread running on another worker usually ends sooner than a park and hand-off (which also
// moves the waiter to the unlocker's worker: a convoy). Like Go, we spin only when no other
// thread could run on our worker (worker::alone): otherwise the holder may be one of them (a
// waiter just handed the lock sits in our LIFO slot) and cannot run while we spin. Never with
// one worker. Spinning stops once the mutex has waiters (state 2: it will be handed to the
// oldest, never freed); only a free mutex is taken, so spinning never overtakes the wait list.
constexpr int lock_spin_rounds = 4;
constexpr int lock_spin_pauses = 30;
}  // namespace

void mutex::lock() {
  std::uint32_t s = 0;
  // acquire: pairs with the release CAS / store in unlock().
  if (state_.compare_exchange_strong(s, 1, std::memory_order_acquire, std::memory_order_relaxed)) {
    return;
  }
  bool spin = false;
  {
    detail::runtime_scope scope;  // alone() reads the worker's queues
    detail::worker& w = scope.held();
    spin = w.sched().worker_count() > 1 && w.alone();
  }
  if (spin) {
    for (int round = 0; round < lock_spin_rounds; ++round) {
      for (int i = 0; i < lock_spin_pauses; ++i) detail::spin_pause();
      s = state_.load(std::memory_order_relaxed);
      if (s == 2) break;
      // acquire: as above.
      if (s == 0 && state_.compare_exchange_strong(s, 1, std::memory_order_acquire,
                                                   std::memory_order_relaxed)) {
        return;
      }
    }
  }
  waiters_lock_.lock();
  for (;;) {
    s = state_.load(std::memory_order_relaxed);
    if (s == 0) {
      if (state_.compare_exchange_weak(s, 1, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        waiters_lock_.unlock();
        return;
      }
      continue;
    }
    if (s == 1 &&
        !state_.compare_exchange_weak(s, 2, std::memory_order_relaxed, std::memory_order_relaxed)) {
      continue;
    }
    break;  // state is 2: we will be handed the lock
  }
  detail::wait_node me;
  me.thread = detail::current_thread();
  waiters_.push_back(&me);
  detail::park_and_unlock(waiters_lock_, detail::wait_reason::mutex);
  // Owned: the unlocker handed it over under waiters_lock_ before unparking us.
}

bool mutex::try_lock() noexcept {
  std::uint32_t s = 0;
  return state_.compare_exchange_strong(s, 1, std::memory_order_acquire, std::memory_order_relaxed);
}

void mutex::unlock() noexcept {
  std::uint32_t s = 1;
  // release: publishes the critical section; pairs with the acquire CAS in lock()/try_lock().
  if (state_.compare_exchange_strong(s, 0, std::memory_order_release, std::memory_order_relaxed)) {
    return;
  }
  waiters_lock_.lock();
  detail::wait_node* n = waiters_.pop_front();
  if (!n) {
    state_.store(0, std::memory_order_release);
    waiters_lock_.unlock();
    return;
  }
  // Hand-off: still locked, now by n; 2 while others wait. Visibility to n comes from
  // waiters_lock_ and the run-queue hand-off in unpark.
  state_.store(waiters_.empty() ? 1 : 2, std::memory_order_relaxed);
  detail::thread_control* t = n->thread;
  waiters_lock_.unlock();
  detail::unpark(t);
}

void condition_variable::wait(std::unique_lock<mutex>& lock) {
  detail::wait_node me;
  me.thread = detail::current_thread();
  lock_.lock();
  waiters_.push_back(&me);
  // Enqueued before the mutex is released: a notify after this point cannot be missed.
  lock.mutex()->unlock();
  detail::park_and_unlock(lock_, detail::wait_reason::condition);
  lock.mutex()->lock();
}

void condition_variable::wait(std::unique_lock<mutex>& lock, std::stop_token token) {
  detail::wait_node me;
  me.thread = detail::current_thread();
  {
    // Registered before lock_ is taken: a callback that runs at once finds lock_ free.
    const std::stop_callback<detail::wait_canceller> on_stop(
        token, detail::wait_canceller{&lock_, &waiters_, &me});
    lock_.lock();
    if (token.stop_requested()) {  // checked under lock_: see detail::cancel_wait
      lock_.unlock();
      return;
    }
    waiters_.push_back(&me);
    lock.mutex()->unlock();
    detail::park_and_unlock(lock_, detail::wait_reason::condition);
  }  // on_stop unregistered before the mutex is taken again: the callback never needs it
  lock.mutex()->lock();
}

void condition_variable::notify_one() noexcept {
  lock_.lock();
  detail::wait_node* n = waiters_.pop_front();
  lock_.unlock();
  if (n) detail::unpark(n->thread);
}

void condition_variable::notify_all() noexcept {
  lock_.lock();
  detail::wait_node* n = waiters_.take_all();
  lock_.unlock();
  while (n) {
    detail::wait_node* next = n->next;  // read before unpark: the node dies with the wait
    detail::unpark(n->thread);
    n = next;
  }
}

}  // namespace hybrid
