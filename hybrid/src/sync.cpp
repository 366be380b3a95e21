// hybrid/src/sync.cpp — mutex and condition_variable for green threads.
//
// Both keep their waiters in a wait_list under a spinlock and park with park_and_unlock, so a
// waiter is only ever woken after its context is saved (detail/park.hpp).
//
// mutex states: 0 unlocked; 1 locked; 2 locked and maybe waiters. Fast paths are one CAS.
// A waiter sets 2 and enqueues itself in one critical section of waiters_lock_, so an unlock
// that fails its 1->0 CAS always finds the waiter once it takes waiters_lock_.
//
// Two modes, as Go's sync.Mutex has:
//   normal   unlock frees the lock (state 0) and wakes the oldest waiter, which then competes
//            for it like any thread: a running thread may take the lock again first ("barging").
//            A woken waiter that loses goes back to the FRONT of the list.
//   handoff  a waiter that has waited more than starvation_limit marks itself starving; an
//            unlock that finds a starving waiter at the front passes ownership straight to it
//            (the state stays locked): no thread waits much longer than that.
// Why not hand-off always (this mutex did, until measured): with threads on two workers, every
// unlock then made the next owner a thread that was not running, and the unlocker, locking again
// at once, had to park: a context switch per critical section (a "lock convoy"), 60 ns a lock on
// the mutex workload, against 16 ns when the threads happened to share a worker. Barging lets
// the running thread keep the lock warm in its cache; the woken waiter runs when its worker
// gets to it. The cost is fairness within the starvation limit.
#include <hybrid/sync.hpp>

#include <chrono>

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
// starvation_limit — how long a waiter lets bargers go first before it asks for a hand-off
// (Go's starvationThresholdNs).
constexpr auto starvation_limit = std::chrono::milliseconds(1);
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
  lock_slow();
}

void mutex::lock_slow() {
  waiter me;
  std::chrono::steady_clock::time_point first_park{};
  bool woken = false;
  for (;;) {
    // In the runtime before waiters_lock_ is taken, until the switch releases it. In user code
    // the monitor may take this thread's worker (a thread spinning on a contended list lock
    // looks stuck), and the thread would then have to move to another worker with the lock
    // held, while the threads that want it spin on every worker: none would ever run it. A
    // carrier in the runtime is never taken, so the holder always parks where it is.
    detail::runtime_scope scope;
    detail::worker& w = scope.held();
    me.thread = w.current();
    waiters_lock_.lock();
    std::uint32_t s = state_.load(std::memory_order_relaxed);
    for (;;) {
      if (s == 0) {
        // Free (a waker freed it, or its owner did): take it. 2 while others wait, so that our
        // unlock wakes the next one.
        const std::uint32_t mine = waiters_.empty() ? 1 : 2;
        if (state_.compare_exchange_weak(s, mine, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          waiters_lock_.unlock();
          return;
        }
        continue;  // s reloaded
      }
      if (s == 1 && !state_.compare_exchange_weak(s, 2, std::memory_order_relaxed,
                                                  std::memory_order_relaxed)) {
        continue;
      }
      break;  // state is 2: an unlock will find us
    }
    me.handed = false;
    me.starving = woken && std::chrono::steady_clock::now() - first_park >= starvation_limit;
    if (woken) {
      waiters_.push_front(&me);  // lost the race after a wake-up: first in line again
    } else {
      waiters_.push_back(&me);
      first_park = std::chrono::steady_clock::now();
    }
    detail::park_held_and_unlock(w, waiters_lock_, detail::wait_reason::mutex);
    // Handed over (starving): owned. Otherwise woken to compete for a free lock.
    if (me.handed) return;
    woken = true;
  }
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
  auto* n = static_cast<waiter*>(waiters_.pop_front());
  if (n != nullptr && n->starving) {
    // Hand-off: still locked (2: maybe others wait), now by n. Visibility to n comes from
    // waiters_lock_ and the run-queue hand-off in unpark.
    n->handed = true;
  } else {
    // release: as above; a barging locker or the woken waiter takes it.
    state_.store(0, std::memory_order_release);
  }
  detail::thread_control* t = n != nullptr ? n->thread : nullptr;
  waiters_lock_.unlock();
  if (t != nullptr) detail::unpark(t);
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
