// coroutines/channel.hpp — a bounded multi-producer multi-consumer FIFO for coroutine threads.
//
// Semantics (those of hybrid::channel, with every wait a co_await):
//   co_await push(v): suspends while the channel is full; false (v dropped) once it is closed.
//   co_await pop():   suspends while empty and open; after close it still drains what was
//                     pushed, then returns std::nullopt.
//   close():          wakes every suspended push and pop. Items from one producer arrive in order.
//   push(v, token) / pop(token): the same, and a stop requested on token wakes a suspended call,
//                     which then returns false / std::nullopt (as if closed, for this caller).
// Guarantee: everything a thread did before push(v) is visible to the thread whose pop()
// returns v.
//
// A push that finds a waiting receiver hands the value over directly, and a pop that frees a
// slot pulls in the oldest waiting sender's value, so the woken thread has nothing left to do.
// The value and the wait node live in the awaiter, that is in the waiting coroutine's frame.
#pragma once

#include <cassert>
#include <coroutine>
#include <cstddef>
#include <memory>
#include <optional>
#include <stop_token>
#include <utility>

#include "detail/park.hpp"
#include "detail/spinlock.hpp"

namespace coroutines {

template <class T>
class channel {
  struct waiter;

 public:
  // channel(capacity) — an open, empty channel holding up to capacity items.
  // Precondition: capacity >= 1.
  explicit channel(std::size_t capacity)
      : capacity_(capacity), slots_(std::make_unique<std::optional<T>[]>(capacity)) {
    assert(capacity >= 1 && "coroutines::channel: capacity must be at least 1");
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;
  // ~channel — precondition: no thread is suspended on it.
  ~channel() = default;

  // awaiter — what a push or pop keeps in the waiting coroutine's frame: the item (offered, or
  // received), the stop token, the wait node and the stop callback.
  class awaiter {
   public:
    awaiter(const awaiter&) = delete;
    bool await_ready() const noexcept { return false; }

   protected:
    friend class channel;
    awaiter(channel& ch, std::optional<T> value, std::stop_token token)
        : channel_(ch), value_(std::move(value)), token_(std::move(token)) {}
    ~awaiter() = default;
    channel& channel_;
    std::optional<T> value_;
    std::stop_token token_;
    waiter node_;
    std::optional<std::stop_callback<detail::wait_canceller>> on_stop_;
  };

  // push_awaiter — `co_await ch.push(v)`: true once v is in the channel (or handed to a
  // receiver); false, dropping v, if the channel is or becomes closed, or a stop is requested on
  // the token while it waits for room.
  class push_awaiter : public awaiter {
   public:
    push_awaiter(channel& ch, T value, std::stop_token token)
        : awaiter(ch, std::move(value), std::move(token)) {}
    bool await_suspend(std::coroutine_handle<> h) { return this->channel_.push_or_wait(*this, h); }
    bool await_resume() const noexcept { return this->node_.accepted; }
  };

  // pop_awaiter — `co_await ch.pop()`: the oldest item; std::nullopt once the channel is closed
  // and drained, or when a stop is requested on the token while it waits.
  class pop_awaiter : public awaiter {
   public:
    pop_awaiter(channel& ch, std::stop_token token) : awaiter(ch, std::nullopt, std::move(token)) {}
    bool await_suspend(std::coroutine_handle<> h) { return this->channel_.pop_or_wait(*this, h); }
    std::optional<T> await_resume() noexcept(std::is_nothrow_move_constructible_v<T>) {
      return std::move(this->value_);
    }
  };

  // push(v) / push(v, token) — the awaitable above. Precondition: inside a coroutine thread.
  [[nodiscard]] push_awaiter push(T value, std::stop_token token = {}) {
    return push_awaiter(*this, std::move(value), std::move(token));
  }
  // pop() / pop(token) — the awaitable above. Precondition: inside a coroutine thread.
  [[nodiscard]] pop_awaiter pop(std::stop_token token = {}) {
    return pop_awaiter(*this, std::move(token));
  }

  // close() — refuse further pushes and wake every suspended push (false) and pop
  // (std::nullopt). Idempotent; never suspends, so a plain function may call it.
  void close() noexcept {
    lock_.lock();
    closed_ = true;
    detail::wait_node* senders = senders_.take_all();
    detail::wait_node* receivers = receivers_.take_all();
    lock_.unlock();
    // The nodes stay valid until their threads are unparked; read next before unparking.
    for (detail::wait_node* list : {senders, receivers}) {
      while (list != nullptr) {
        detail::wait_node* next = list->next;
        detail::unpark(list->thread);
        list = next;
      }
    }
  }

 private:
  // waiter — a suspended push (value: the item offered) or pop (value: where the item goes).
  struct waiter : detail::wait_node {
    std::optional<T>* value = nullptr;
    bool accepted = false;  // push: the item went in
  };

  // watch_stop(a, list) — a stoppable call registers its canceller before it takes lock_ (a
  // callback that runs at once finds lock_ free; push_or_wait and pop_or_wait then see the stop
  // under lock_ and do not wait).
  void watch_stop(awaiter& a, detail::wait_list& list) {
    if (a.token_.stop_possible()) {
      a.on_stop_.emplace(a.token_, detail::wait_canceller{&lock_, &list, &a.node_});
    }
  }

  // push_or_wait(a, h) — push's body: false when done without waiting; true when a's node was
  // queued and the caller suspends (then nothing of a may be touched).
  bool push_or_wait(push_awaiter& a, std::coroutine_handle<> h) {
    watch_stop(a, senders_);
    lock_.lock();
    if (closed_) {
      lock_.unlock();
      return false;
    }
    if (auto* r = static_cast<waiter*>(receivers_.pop_front())) {
      // A receiver waits, so the buffer is empty: hand the value over directly.
      r->value->emplace(std::move(*a.value_));
      detail::thread_control* t = r->thread;
      lock_.unlock();
      a.node_.accepted = true;
      detail::unpark(t);
      return false;
    }
    if (count_ < capacity_) {
      slots_[slot_after_last()].emplace(std::move(*a.value_));
      ++count_;
      lock_.unlock();
      a.node_.accepted = true;
      return false;
    }
    return wait_unless(a.token_.stop_requested(), senders_, a.node_, a.value_, h);
  }

  // pop_or_wait(a, h) — pop's body, as push_or_wait.
  bool pop_or_wait(pop_awaiter& a, std::coroutine_handle<> h) {
    watch_stop(a, receivers_);
    lock_.lock();
    if (count_ > 0) {
      a.value_.emplace(std::move(*slots_[head_]));
      slots_[head_].reset();
      head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
      --count_;
      detail::thread_control* woken = nullptr;
      if (auto* s = static_cast<waiter*>(senders_.pop_front())) {
        // A slot is free now: move the oldest waiting sender's value in, keeping FIFO order.
        slots_[slot_after_last()].emplace(std::move(**s->value));
        ++count_;
        s->accepted = true;
        woken = s->thread;
      }
      lock_.unlock();
      if (woken != nullptr) detail::unpark(woken);
      return false;
    }
    return wait_unless(closed_ || a.token_.stop_requested(), receivers_, a.node_, a.value_, h);
  }

  // wait_unless(refuse, list, node, value, h) — a push or pop that can complete neither way: when
  // refuse (closed, or stopped), give up without waiting (false); otherwise queue node in list,
  // with value as the item offered or the place for it, and suspend (true: nothing of the awaiter
  // may be touched after the unlock). Precondition: lock_ held; it is released.
  bool wait_unless(bool refuse, detail::wait_list& list, waiter& node, std::optional<T>& value,
                   std::coroutine_handle<> h) {
    if (!refuse) {
      node.value = &value;
      node.thread = detail::suspend_current(h, wait_kind::channel);
      list.push_back(&node);
    }
    lock_.unlock();
    return !refuse;
  }

  // slot_after_last() — the ring index of the first free slot. lock_ held.
  std::size_t slot_after_last() const noexcept {
    std::size_t i = head_ + count_;
    return i >= capacity_ ? i - capacity_ : i;
  }

  detail::spinlock lock_;
  const std::size_t capacity_;
  std::unique_ptr<std::optional<T>[]> slots_;  // ring buffer; under lock_
  std::size_t head_ = 0;                       // under lock_
  std::size_t count_ = 0;                      // under lock_
  bool closed_ = false;                        // under lock_
  detail::wait_list senders_;                  // suspended pushes; under lock_
  detail::wait_list receivers_;                // suspended pops; under lock_
};

}  // namespace coroutines
