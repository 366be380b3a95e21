// examples/out_of_tree_model/channel.hpp — the async model's channel: the bounded
// multi-producer multi-consumer FIFO of the model contract (bench/model.hpp), written with the
// standard library only: a deque, one std::mutex, and a std::condition_variable_any for each
// side, whose stoppable waits give push(v, token) and pop(token) for free.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

namespace example {

// channel<T> — every member may be called from any thread. Items from one producer arrive in
// the order pushed (one lock orders every operation).
template <class T>
class channel {
 public:
  // channel(capacity) — an open, empty channel holding at most capacity items; capacity >= 1.
  explicit channel(std::size_t capacity) : capacity_(capacity) {}
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // push(v) — waits while the channel is full and open; returns false, dropping v, once it is
  // closed.
  bool push(T value) { return push(std::move(value), std::stop_token{}); }

  // push(v, token) — as push(v); a stop requested on token while it waits for room also makes
  // it return false (the channel stays open for the others).
  bool push(T value, std::stop_token token) {
    std::unique_lock lock(mutex_);
    // The wait returns the predicate's value, and so does this test: a push that gives up (a
    // stop) found no room, so no pop's notify_one was meant for it and none is lost.
    not_full_.wait(lock, token, [this] { return closed_ || items_.size() < capacity_; });
    if (closed_ || items_.size() >= capacity_) return false;
    items_.push_back(std::move(value));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // pop() — waits while the channel is empty and open; after close it still returns what was
  // pushed, then std::nullopt.
  std::optional<T> pop() { return pop(std::stop_token{}); }

  // pop(token) — as pop(); a stop requested on token while it waits also makes it return
  // std::nullopt (the channel stays open for the others).
  std::optional<T> pop(std::stop_token token) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, token, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;  // closed and drained, or stopped while empty
    std::optional<T> value(std::move(items_.front()));
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return value;
  }

  // close() — no more pushes; wakes every waiting push and pop.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable_any not_full_;   // pushes wait here for room
  std::condition_variable_any not_empty_;  // pops wait here for an item
  std::deque<T> items_;                    // written under mutex_
  bool closed_ = false;                    // written under mutex_
};

}  // namespace example
