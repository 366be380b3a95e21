// hybrid/channel.hpp — a bounded multi-producer multi-consumer FIFO for green threads.
//
// Semantics (those of bench/model.hpp's contract):
//   push(v): blocks the green thread while the channel is full; returns false (dropping v) once
//            the channel is closed.
//   pop():   blocks while empty and open; after close it still drains what was pushed, then
//            returns std::nullopt.
//   close(): wakes every blocked push and pop. Items from one producer arrive in order.
//   push(v, token) / pop(token): the same, and a stop requested on token wakes a blocked call,
//            which then returns false / std::nullopt (as if closed, for this caller only).
// Guarantee: everything a thread did before push(v) is visible to the thread whose pop()
// returns v.
//
// Like Go's channels, a push that finds a waiting receiver hands the value over directly and
// a pop that frees a slot pulls in the oldest blocked sender's value, so the woken thread has
// nothing left to do but return.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <optional>
#include <stop_token>
#include <utility>

#include "detail/park.hpp"
#include "detail/spinlock.hpp"

namespace hybrid {

template <class T>
class channel {
 public:
  // channel(capacity) — an open, empty channel holding up to capacity items.
  // Precondition: capacity >= 1.
  explicit channel(std::size_t capacity)
      : capacity_(capacity), slots_(std::make_unique<std::optional<T>[]>(capacity)) {
    assert(capacity >= 1 && "hybrid::channel: capacity must be at least 1");
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;
  // ~channel — precondition: no thread is blocked on it.
  ~channel() = default;

  // push(v) — append v, blocking while full. Returns false, dropping v, if the channel is or
  // becomes closed before v is taken in. Precondition: inside hybrid::run.
  bool push(T value) { return push_with(std::move(value), no_stop{}); }

  // push(v, token) — push(v); also returns false, dropping v, when a stop is requested on token
  // while it waits for room (at once if it already was and the channel is full).
  bool push(T value, std::stop_token token) {
    waiter me;
    // Registered before lock_ is taken: a callback that runs at once finds lock_ free.
    const std::stop_callback<detail::wait_canceller> on_stop(
        token, detail::wait_canceller{&lock_, &senders_, &me});
    return push_with(std::move(value), with_stop{token, me});
  }

  // pop() — take the oldest item, blocking while empty and open; std::nullopt once closed and
  // drained. Precondition: inside hybrid::run.
  std::optional<T> pop() { return pop_with(no_stop{}); }

  // pop(token) — pop(); also std::nullopt when a stop is requested on token while it waits (at
  // once if it already was and the channel is empty).
  std::optional<T> pop(std::stop_token token) {
    waiter me;
    const std::stop_callback<detail::wait_canceller> on_stop(
        token, detail::wait_canceller{&lock_, &receivers_, &me});
    return pop_with(with_stop{token, me});
  }

  // close() — refuse further pushes and wake every blocked push (returns false) and pop
  // (returns std::nullopt). Idempotent.
  void close() {
    lock_.lock();
    closed_ = true;
    detail::wait_node* senders = senders_.take_all();
    detail::wait_node* receivers = receivers_.take_all();
    lock_.unlock();
    // The nodes stay valid until their threads are unparked; read next before unparking.
    for (detail::wait_node* list : {senders, receivers}) {
      while (list) {
        detail::wait_node* next = list->next;
        detail::unpark(list->thread);
        list = next;
      }
    }
  }

 private:
  struct waiter;

  // no_stop / with_stop — how a push or pop may be stopped: never (the plain calls, which then
  // compile to exactly the code they had before stopping existed), or by token, checked under
  // lock_ before waiting (see detail::cancel_wait) with `node` the waiter its stop callback knows.
  struct no_stop {
    static constexpr bool stop_requested() noexcept { return false; }
    static constexpr waiter* node() noexcept { return nullptr; }
  };
  struct with_stop {
    const std::stop_token& token;
    waiter& waiting;
    bool stop_requested() const noexcept { return token.stop_requested(); }
    waiter* node() const noexcept { return &waiting; }
  };

  // push_with(v, stop) — push's body.
  template <class Stop>
  bool push_with(T value, Stop stop) {
    lock_.lock();
    if (closed_) {
      lock_.unlock();
      return false;
    }
    if (auto* r = static_cast<waiter*>(receivers_.pop_front())) {
      // A receiver waits, so the buffer is empty: hand the value over directly.
      r->value->emplace(std::move(value));
      detail::thread_control* t = r->thread;
      lock_.unlock();
      detail::unpark(t);
      return true;
    }
    if (count_ < capacity_) {
      slots_[slot_after_last()].emplace(std::move(value));
      ++count_;
      lock_.unlock();
      return true;
    }
    if (stop.stop_requested()) {
      lock_.unlock();
      return false;
    }
    return wait_to_push(std::move(value), stop.node());
  }

  // wait_to_push(v, me) — the channel is full: wait until a receiver moves v into the buffer
  // (true), or close() or a stop refuses it (false). me: the stoppable caller's waiter, or null
  // for one of our own. Precondition: lock_ held; it is released.
  bool wait_to_push(T value, waiter* me) HYBRID_RELEASE(lock_) {
    waiter own;
    waiter& w = me ? *me : own;
    std::optional<T> mine(std::move(value));
    w.thread = detail::current_thread();
    w.value = &mine;
    senders_.push_back(&w);
    detail::park_and_unlock(lock_, detail::wait_reason::channel_push);
    return w.accepted;
  }

  // pop_with(stop) — pop's body.
  template <class Stop>
  std::optional<T> pop_with(Stop stop) {
    lock_.lock();
    if (count_ > 0) {
      std::optional<T> out(std::move(*slots_[head_]));
      slots_[head_].reset();
      head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
      --count_;
      detail::thread_control* woken = nullptr;
      if (auto* s = static_cast<waiter*>(senders_.pop_front())) {
        // A slot is free now: move the oldest blocked sender's value in, keeping FIFO order.
        slots_[slot_after_last()].emplace(std::move(**s->value));
        ++count_;
        s->accepted = true;
        woken = s->thread;
      }
      lock_.unlock();
      if (woken) detail::unpark(woken);
      return out;
    }
    if (closed_ || stop.stop_requested()) {
      lock_.unlock();
      return std::nullopt;
    }
    return wait_to_pop(stop.node());
  }

  // wait_to_pop(me) — the channel is empty and open: wait for a sender's item, close() or a
  // stop (std::nullopt). Precondition: lock_ held; it is released.
  std::optional<T> wait_to_pop(waiter* me) HYBRID_RELEASE(lock_) {
    waiter own;
    waiter& w = me ? *me : own;
    std::optional<T> mine;
    w.thread = detail::current_thread();
    w.value = &mine;
    receivers_.push_back(&w);
    detail::park_and_unlock(lock_, detail::wait_reason::channel_pop);
    return mine;  // empty when woken by close() or a stop
  }

  // waiter — a blocked push (value: the item offered) or pop (value: where to put the item).
  struct waiter : detail::wait_node {
    std::optional<T>* value = nullptr;
    bool accepted = false;  // push only: a receiver took the value
  };

  // slot_after_last() — the ring index of the first free slot. A compare, not `%`: a division
  // costs more than the rest of a push (capacity is rarely a power of two). lock_ held.
  std::size_t slot_after_last() const noexcept HYBRID_REQUIRES(lock_) {
    std::size_t i = head_ + count_;
    return i >= capacity_ ? i - capacity_ : i;
  }

  detail::spinlock lock_;
  const std::size_t capacity_;
  std::unique_ptr<std::optional<T>[]> slots_ HYBRID_GUARDED_BY(lock_);  // ring buffer
  std::size_t head_ HYBRID_GUARDED_BY(lock_) = 0;
  std::size_t count_ HYBRID_GUARDED_BY(lock_) = 0;
  bool closed_ HYBRID_GUARDED_BY(lock_) = false;
  detail::wait_list senders_ HYBRID_GUARDED_BY(lock_);    // blocked pushes
  detail::wait_list receivers_ HYBRID_GUARDED_BY(lock_);  // blocked pops
};

}  // namespace hybrid
