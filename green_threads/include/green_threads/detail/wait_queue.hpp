// green_threads/detail/wait_queue.hpp — blocking a fiber on a queue of our own, and waking it:
// the parts green_threads' condition_variable and channel are built from.
//
// Not part of the public interface. These are the same parts Boost.Fiber builds its own
// primitives from (Boost 1.74, boost/fiber/context.hpp): a spinlock guards an intrusive queue of
// fiber contexts; a fiber that must wait links its context into the queue and suspends with the
// spinlock, which its scheduler releases only after the switch (context::suspend(lock)), so no
// wake-up can be lost; a waker unlinks a context under the spinlock and hands it to the
// context's own scheduler (context::schedule), which also works across kernel threads (a remote
// ready queue). We have no timed waits, so the twstatus word Boost uses to arbitrate between a
// timer and a notifier stays in its "untimed" state, 0.
//
// A stop request (std::stop_token) cancels a wait with cancel_wait: under the same spinlock it
// unlinks the waiter if it is still queued and schedules it. A waiter checks its token under the
// spinlock before it links itself, and std::stop_source sets the token before it runs callbacks,
// so a stop cannot fall between the check and the suspend. The callback never suspends the
// fiber that runs it (std::stop_callback's destructor does not wait for a callback running on
// its own kernel thread, and every fiber of an N:1 world shares one).
#pragma once

#include <cstdint>

#include <boost/fiber/context.hpp>
#include <boost/fiber/detail/spinlock.hpp>

namespace green_threads::detail {

using wait_queue = boost::fibers::context::wait_queue_t;
using spinlock = boost::fibers::detail::spinlock;
using spinlock_lock = boost::fibers::detail::spinlock_lock;

// park(queue, lock, self) — suspend self, the calling fiber's context, on queue. Precondition:
// lock holds the spinlock guarding queue; it is released once the fiber is off its stack, and
// not re-acquired.
inline void park(wait_queue& queue, spinlock_lock& lock, boost::fibers::context* self) noexcept {
  self->wait_link(queue);
  // release: pairs with the acquire in Boost's timed-wait CAS; 0 = "untimed wait".
  self->twstatus.store(static_cast<std::intptr_t>(0), std::memory_order_release);
  self->suspend(lock);
}

// wake_one(queue, lock, self) — make the oldest fiber of queue ready, if any. self: the calling
// context. Precondition: lock holds the queue's spinlock; it is released before the hand-off.
inline void wake_one(wait_queue& queue, spinlock_lock& lock,
                     boost::fibers::context* self) noexcept {
  if (queue.empty()) return;
  boost::fibers::context* waiter = &queue.front();
  queue.pop_front();
  lock.unlock();
  self->schedule(waiter);
}

// wake_all(queue, self) — make every fiber of queue ready. Precondition: the queue's spinlock is
// held.
inline void wake_all(wait_queue& queue, boost::fibers::context* self) noexcept {
  while (!queue.empty()) {
    boost::fibers::context* waiter = &queue.front();
    queue.pop_front();
    self->schedule(waiter);
  }
}

// wait_canceller — the std::stop_callback of a stoppable wait (see the file comment): takes
// waiter out of whichever queue guarded by *lock it is linked into, and schedules it. Registered
// before the wait takes *lock, so a callback that runs at once finds it free. Runs on the fiber
// (or kernel thread) that requested the stop.
struct wait_canceller {
  spinlock* lock;
  boost::fibers::context* waiter;
  void operator()() const noexcept {
    spinlock_lock guard(*lock);
    if (!waiter->wait_is_linked()) return;  // already woken
    waiter->wait_unlink();
    guard.unlock();
    boost::fibers::context::active()->schedule(waiter);
  }
};

}  // namespace green_threads::detail
