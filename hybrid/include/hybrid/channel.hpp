// hybrid/channel.hpp — a bounded multi-producer multi-consumer FIFO for green threads.
//
// Semantics (those of bench/model.hpp's contract):
//   push(v): blocks the green thread while the channel is full; returns false (dropping v) once
//            the channel is closed.
//   pop():   blocks while empty and open; after close it still drains what was pushed, then
//            returns std::nullopt.
//   close(): wakes every blocked push and pop. Items from one producer arrive in order.
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
  bool push(T value) {
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
    // Full: wait until a receiver moves our value into the buffer, or close() refuses it.
    std::optional<T> mine(std::move(value));
    waiter me;
    me.thread = detail::current_thread();
    me.value = &mine;
    senders_.push_back(&me);
    detail::park_and_unlock(lock_, detail::wait_reason::channel_push);
    return me.accepted;
  }

  // pop() — take the oldest item, blocking while empty and open; std::nullopt once closed and
  // drained. Precondition: inside hybrid::run.
  std::optional<T> pop() {
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
    if (closed_) {
      lock_.unlock();
      return std::nullopt;
    }
    std::optional<T> mine;
    waiter me;
    me.thread = detail::current_thread();
    me.value = &mine;
    receivers_.push_back(&me);
    detail::park_and_unlock(lock_, detail::wait_reason::channel_pop);
    return mine;  // empty when woken by close()
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
  // waiter — a blocked push (value: the item offered) or pop (value: where to put the item).
  struct waiter : detail::wait_node {
    std::optional<T>* value = nullptr;
    bool accepted = false;  // push only: a receiver took the value
  };

  // slot_after_last() — the ring index of the first free slot. A compare, not `%`: a division
  // costs more than the rest of a push (capacity is rarely a power of two). lock_ held.
  std::size_t slot_after_last() const noexcept {
    std::size_t i = head_ + count_;
    return i >= capacity_ ? i - capacity_ : i;
  }

  detail::spinlock lock_;
  const std::size_t capacity_;
  std::unique_ptr<std::optional<T>[]> slots_;  // ring buffer; guarded by lock_
  std::size_t head_ = 0;                       // guarded by lock_
  std::size_t count_ = 0;                      // guarded by lock_
  bool closed_ = false;                        // guarded by lock_
  detail::wait_list senders_;                  // blocked pushes; guarded by lock_
  detail::wait_list receivers_;                // blocked pops; guarded by lock_
};

}  // namespace hybrid
