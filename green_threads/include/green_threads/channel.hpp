// green_threads/channel.hpp — a bounded MPMC channel between fibers, with Boost.Fiber's
// wait-queue machinery and an exact capacity.
//
// Semantics (the same for the three modules):
//   push(v) blocks the calling fiber while the channel holds capacity items; returns false,
//           dropping v, once the channel is closed.
//   pop()   blocks while the channel is empty and open; after close() it still returns what
//           was pushed before, in order, and then std::nullopt.
//   close() wakes every blocked push and pop. Items from one producer arrive in push order.
// Guarantee: everything a fiber did before push(v) is visible to the fiber whose pop()
// returns v (both run under the channel's spinlock, which orders them).
//
// Why not boost::fibers::buffered_channel as is: its capacity must be a power of two >= 2 and
// it holds capacity - 1 items, so a channel of 2 or 4 would hold 3 or 7, and a workload (or the
// conformance suite) that relies on push blocking at exactly `capacity` would break. Its close
// semantics are the ones we want (checked in Boost 1.74: push returns closed once closed, pop
// drains, then returns closed), so this class keeps its design and changes only the buffer: a
// ring of exactly `capacity` slots with an item count, a Boost spinlock, and two intrusive wait
// queues of fiber contexts. A blocked fiber links its context into a queue and suspends with
// the spinlock released by the scheduler after the switch (context::suspend(lock)), so no
// wake-up can be lost; a waker unlinks one context and hands it to its scheduler
// (context::schedule), which works across kernel threads. There are no timed waits, so the
// twstatus protocol Boost uses for them is always in its "no timeout" state (0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <boost/assert.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/detail/spinlock.hpp>

namespace green_threads {

// channel<T> — see the file comment. T must be move-constructible. All members may be called
// from any fiber of the world, on any of its kernel threads; none from outside a fiber.
template <class T>
class channel {
 public:
  // channel(capacity) — precondition: capacity >= 1.
  explicit channel(std::size_t capacity) : slots_(capacity) {
    BOOST_ASSERT_MSG(capacity >= 1, "green_threads::channel: capacity must be >= 1");
  }

  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // ~channel() — precondition: no fiber is blocked on the channel.
  ~channel() { BOOST_ASSERT(waiting_producers_.empty() && waiting_consumers_.empty()); }

  // push(v) — append v, blocking while full; false (v dropped) once closed.
  bool push(T v) {
    boost::fibers::context* self = boost::fibers::context::active();
    for (;;) {
      boost::fibers::detail::spinlock_lock lock(spinlock_);
      if (closed_) return false;
      if (count_ < slots_.size()) {
        slots_[(head_ + count_) % slots_.size()].emplace(std::move(v));
        ++count_;
        wake_one(waiting_consumers_, lock, self);
        return true;
      }
      park(waiting_producers_, lock, self);  // full: wait for a pop or close, then retry
    }
  }

  // pop() — the oldest item, blocking while empty and open; std::nullopt once closed and
  // drained.
  std::optional<T> pop() {
    boost::fibers::context* self = boost::fibers::context::active();
    for (;;) {
      boost::fibers::detail::spinlock_lock lock(spinlock_);
      if (count_ > 0) {
        std::optional<T> item(std::move(slots_[head_]));
        slots_[head_].reset();
        head_ = (head_ + 1) % slots_.size();
        --count_;
        wake_one(waiting_producers_, lock, self);
        return item;
      }
      if (closed_) return std::nullopt;
      park(waiting_consumers_, lock, self);  // empty: wait for a push or close, then retry
    }
  }

  // close() — no more pushes; wakes every blocked push (returns false) and pop (drains, then
  // std::nullopt). Idempotent.
  void close() noexcept {
    boost::fibers::context* self = boost::fibers::context::active();
    boost::fibers::detail::spinlock_lock lock(spinlock_);
    if (closed_) return;
    closed_ = true;
    wake_all(waiting_producers_, self);
    wake_all(waiting_consumers_, self);
  }

  // capacity() — how many items the channel holds before push blocks.
  std::size_t capacity() const noexcept { return slots_.size(); }

 private:
  using wait_queue = boost::fibers::context::wait_queue_t;

  // park(queue, lock, self) — suspend the calling fiber on `queue`. Precondition: lock holds
  // spinlock_; it is released once the fiber is off its stack, and not re-acquired.
  static void park(wait_queue& queue, boost::fibers::detail::spinlock_lock& lock,
                   boost::fibers::context* self) noexcept {
    self->wait_link(queue);
    // release: pairs with the acquire in Boost's timed-wait CAS; 0 = "untimed wait".
    self->twstatus.store(static_cast<std::intptr_t>(0), std::memory_order_release);
    self->suspend(lock);
  }

  // wake_one(queue, lock, self) — make the oldest fiber of `queue` ready, if any. Precondition:
  // lock holds spinlock_; it is released before the hand-off.
  static void wake_one(wait_queue& queue, boost::fibers::detail::spinlock_lock& lock,
                       boost::fibers::context* self) noexcept {
    if (queue.empty()) return;
    boost::fibers::context* waiter = &queue.front();
    queue.pop_front();
    lock.unlock();
    self->schedule(waiter);
  }

  // wake_all(queue, self) — make every fiber of `queue` ready. Precondition: spinlock_ held.
  static void wake_all(wait_queue& queue, boost::fibers::context* self) noexcept {
    while (!queue.empty()) {
      boost::fibers::context* waiter = &queue.front();
      queue.pop_front();
      self->schedule(waiter);
    }
  }

  boost::fibers::detail::spinlock spinlock_;
  // Guarded by spinlock_: the ring, its fill level and the waiters.
  std::vector<std::optional<T>> slots_;  // ring of exactly capacity slots
  std::size_t head_ = 0;                 // index of the oldest item
  std::size_t count_ = 0;                // items in the ring
  bool closed_ = false;
  wait_queue waiting_producers_;  // fibers blocked in push (channel full)
  wait_queue waiting_consumers_;  // fibers blocked in pop (channel empty)
};

}  // namespace green_threads
