// kernel_threads/channel.hpp — a bounded multi-producer multi-consumer FIFO for kernel threads.
//
// The textbook monitor: one mutex, a queue, and two condition variables — `not_full_` for
// blocked producers, `not_empty_` for blocked consumers. A blocked push or pop sleeps in the
// kernel (futex) and costs a kernel wake-up to resume: this is what the pingpong and pipeline
// workloads measure for the 1:1 model.
//
// Guarantees, in user terms (exactly bench/model.hpp's channel contract):
//   - push(v) blocks while the channel is full; returns false, dropping v, once it is closed.
//   - pop() blocks while the channel is empty and open; after close() it still returns what was
//     pushed before, then std::nullopt.
//   - close() wakes every blocked push and pop. Closing twice is harmless.
//   - Items from one producer arrive in the order pushed; everything a producer did before a
//     successful push happens-before the pop that returns that item.
//   - Every pushed item is popped at most once; none is lost while someone keeps popping.
//   - push(v, token) / pop(token): the same, and a stop requested on token wakes a blocked call,
//     which then returns false / std::nullopt (as if closed, for this caller only).
// A traced thread (observer.hpp) reports blocked when a push or pop is about to sleep, and
// running when it wakes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <utility>

#include "observer.hpp"

namespace kernel_threads {

// channel<T> — see above. T must be move-constructible. Not copyable or movable (threads block
// on its members); it must outlive every call made on it.
template <class T>
class channel {
 public:
  // channel(capacity) — an open, empty channel holding at most `capacity` items.
  // Precondition: capacity >= 1 (else std::invalid_argument).
  explicit channel(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0)
      throw std::invalid_argument("kernel_threads::channel: capacity must be >= 1");
  }

  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // push(value) — appends value, blocking while full. Returns false (value dropped) if the
  // channel is closed, whether before the call or while it waited.
  bool push(T value) { return push_with(std::move(value), no_stop{}); }

  // push(value, token) — push(value); also false (value dropped) when a stop is requested on
  // token while it waits for room (at once if it already was and the channel is full).
  bool push(T value, std::stop_token token) {
    const std::stop_callback<waker> on_stop(token, waker{this});
    return push_with(std::move(value), token);
  }

  // pop() — removes the oldest item, blocking while empty and open. Returns std::nullopt once
  // the channel is closed and drained.
  std::optional<T> pop() { return pop_with(no_stop{}); }

  // pop(token) — pop(); also std::nullopt when a stop is requested on token while it waits (at
  // once if it already was and the channel is empty).
  std::optional<T> pop(std::stop_token token) {
    const std::stop_callback<waker> on_stop(token, waker{this});
    return pop_with(token);
  }

  // close() — refuses further pushes and wakes every blocked push and pop. Idempotent.
  void close() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  // capacity() — the bound given at construction.
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  // no_stop — the stop token of the plain calls: never stopped, so that they compile to the
  // code they had before stopping existed.
  struct no_stop {
    static constexpr bool stop_requested() noexcept { return false; }
  };

  // waker — the std::stop_callback of a stoppable push or pop: wakes every waiter under the
  // mutex, so that one that checked its token under the mutex and then slept is woken. Runs on
  // the thread that requested the stop, and is registered before the call takes the mutex.
  struct waker {
    channel* ch;
    void operator()() const {
      { const std::lock_guard guard(ch->mutex_); }
      ch->not_full_.notify_all();
      ch->not_empty_.notify_all();
    }
  };

  // push_with(value, stop) — push's body; stop (a std::stop_token or no_stop) ends a wait for
  // room.
  template <class Stop>
  bool push_with(T value, const Stop& stop) {
    {
      std::unique_lock lock(mutex_);
      const auto room_or_closed = [&] {
        return closed_ || items_.size() < capacity_ || stop.stop_requested();
      };
      if (!room_or_closed()) {
        blocked_scope blocked(wait_kind::channel);  // observer hook: this push sleeps
        not_full_.wait(lock, room_or_closed);
      }
      if (closed_ || items_.size() >= capacity_) return false;  // closed, or stopped while full
      items_.push_back(std::move(value));
    }
    // Notify after unlocking: the woken consumer can take the lock at once.
    not_empty_.notify_one();
    return true;
  }

  // pop_with(stop) — pop's body; stop as in push_with.
  template <class Stop>
  std::optional<T> pop_with(const Stop& stop) {
    std::optional<T> item;
    {
      std::unique_lock lock(mutex_);
      const auto item_or_closed = [&] {
        return closed_ || !items_.empty() || stop.stop_requested();
      };
      if (!item_or_closed()) {
        blocked_scope blocked(wait_kind::channel);  // observer hook: this pop sleeps
        not_empty_.wait(lock, item_or_closed);
      }
      if (items_.empty()) return std::nullopt;  // closed and drained, or stopped
      item.emplace(std::move(items_.front()));
      items_.pop_front();
    }
    not_full_.notify_one();
    return item;
  }

  const std::size_t capacity_;
  std::mutex mutex_;                   // guards items_ and closed_
  std::condition_variable not_full_;   // producers wait here: room or closed
  std::condition_variable not_empty_;  // consumers wait here: an item or closed
  std::deque<T> items_;                // written under mutex_; size() <= capacity_
  bool closed_ = false;                // written under mutex_; never goes back to false
};

}  // namespace kernel_threads
