// green_threads/channel.hpp — a bounded MPMC channel between fibers, with Boost.Fiber's
// wait-queue machinery and an exact capacity.
//
// Semantics (the same for the three modules):
//   push(v) blocks the calling fiber while the channel holds capacity items; returns false,
//           dropping v, once the channel is closed.
//   pop()   blocks while the channel is empty and open; after close() it still returns what
//           was pushed before, in order, and then std::nullopt.
//   close() wakes every blocked push and pop. Items from one producer arrive in push order.
//   push(v, token) / pop(token): the same, and a stop requested on token wakes a blocked call,
//           which then returns false / std::nullopt (as if closed, for this caller only).
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
// the spinlock released by the scheduler after the switch, so no wake-up can be lost; a waker
// unlinks one context and hands it to its scheduler, which works across kernel threads
// (detail/wait_queue.hpp has the parts and their rules).
//
// Cancellation: push(v, token) and pop(token) also return (false, std::nullopt) when a stop is
// requested on token while they wait.
#pragma once

#include <cstddef>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

#include <boost/assert.hpp>
#include <boost/fiber/context.hpp>

#include "detail/wait_queue.hpp"

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
  bool push(T v) { return push_with(std::move(v), no_stop{}); }

  // push(v, token) — push(v); also false (v dropped) when a stop is requested on token while it
  // waits for room (at once if it already was and the channel is full).
  bool push(T v, std::stop_token token) {
    const std::stop_callback<detail::wait_canceller> on_stop(
        token, detail::wait_canceller{&spinlock_, boost::fibers::context::active()});
    return push_with(std::move(v), token);
  }

  // pop() — the oldest item, blocking while empty and open; std::nullopt once closed and
  // drained.
  std::optional<T> pop() { return pop_with(no_stop{}); }

  // pop(token) — pop(); also std::nullopt when a stop is requested on token while it waits (at
  // once if it already was and the channel is empty).
  std::optional<T> pop(std::stop_token token) {
    const std::stop_callback<detail::wait_canceller> on_stop(
        token, detail::wait_canceller{&spinlock_, boost::fibers::context::active()});
    return pop_with(token);
  }

  // close() — no more pushes; wakes every blocked push (returns false) and pop (drains, then
  // std::nullopt). Idempotent.
  void close() noexcept {
    boost::fibers::context* self = boost::fibers::context::active();
    detail::spinlock_lock lock(spinlock_);
    if (closed_) return;
    closed_ = true;
    detail::wake_all(waiting_producers_, self);
    detail::wake_all(waiting_consumers_, self);
  }

  // capacity() — how many items the channel holds before push blocks.
  std::size_t capacity() const noexcept { return slots_.size(); }

 private:
  // no_stop — the stop token of the plain calls: never stopped, so that they compile to the
  // code they had before stopping existed.
  struct no_stop {
    static constexpr bool stop_requested() noexcept { return false; }
  };

  // push_with(v, stop) — push's body; stop (a std::stop_token or no_stop) is checked under the
  // spinlock before each wait.
  template <class Stop>
  bool push_with(T v, const Stop& stop) {
    boost::fibers::context* self = boost::fibers::context::active();
    for (;;) {
      detail::spinlock_lock lock(spinlock_);
      if (closed_) return false;
      if (count_ < slots_.size()) {
        slots_[(head_ + count_) % slots_.size()].emplace(std::move(v));
        ++count_;
        detail::wake_one(waiting_consumers_, lock, self);
        return true;
      }
      if (stop.stop_requested()) return false;
      detail::park(waiting_producers_, lock, self);  // full: wait for a pop, close or stop
    }
  }

  // pop_with(stop) — pop's body; stop as in push_with.
  template <class Stop>
  std::optional<T> pop_with(const Stop& stop) {
    boost::fibers::context* self = boost::fibers::context::active();
    for (;;) {
      detail::spinlock_lock lock(spinlock_);
      if (count_ > 0) {
        std::optional<T> item(std::move(slots_[head_]));
        slots_[head_].reset();
        head_ = (head_ + 1) % slots_.size();
        --count_;
        detail::wake_one(waiting_producers_, lock, self);
        return item;
      }
      if (closed_ || stop.stop_requested()) return std::nullopt;
      detail::park(waiting_consumers_, lock, self);  // empty: wait for a push, close or stop
    }
  }

  detail::spinlock spinlock_;
  std::vector<std::optional<T>> slots_;   // ring buffer; guarded by spinlock_
  std::size_t head_ = 0;                  // index of the oldest item; guarded by spinlock_
  std::size_t count_ = 0;                 // items held; guarded by spinlock_
  bool closed_ = false;                   // guarded by spinlock_
  detail::wait_queue waiting_producers_;  // fibers blocked in push; guarded by spinlock_
  detail::wait_queue waiting_consumers_;  // fibers blocked in pop; guarded by spinlock_
};

}  // namespace green_threads
