// hybrid/src/injection_queue.hpp — the global FIFO run queue (Go's global runq, Tokio's
// inject queue): the body's first thread, and the overflow of full local queues.
//
// May be used from any thread. A plain mutex suffices: it is touched only on overflow, on the
// fairness tick (every `fairness_interval` schedules) and when a worker has nothing local.
// len_ lets workers check for work without taking the lock.
#pragma once

#include <atomic>
#include <cstddef>

#include "os_mutex.hpp"

#include "thread_control.hpp"

namespace hybrid::detail {

class injection_queue {
 public:
  // push_batch(first, last, n) — append the chain first→…→last (linked by ->next) of n threads.
  void push_batch(thread_control* first, thread_control* last, std::size_t n) noexcept {
    last->next = nullptr;
    const os_lock g(mutex_);
    if (tail_)
      tail_->next = first;
    else
      head_ = first;
    tail_ = last;
    // seq_cst: part of the "publish work, then look for sleepers" StoreLoad of the parking
    // protocol (scheduler.cpp, step N1); pairs with the load in empty().
    len_.store(len_.load(std::memory_order_relaxed) + n, std::memory_order_seq_cst);
  }

  // push(t) — append one thread.
  void push(thread_control* t) noexcept { push_batch(t, t, 1); }

  // pop() — take the oldest thread, or nullptr.
  thread_control* pop() noexcept {
    if (empty()) return nullptr;
    const os_lock g(mutex_);
    thread_control* t = head_;
    if (t) {
      head_ = t->next;
      if (!head_) tail_ = nullptr;
      t->next = nullptr;
      len_.store(len_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    }
    return t;
  }

  // empty() — a lock-free snapshot.
  bool empty() const noexcept { return len_.load(std::memory_order_seq_cst) == 0; }

 private:
  os_mutex mutex_;
  thread_control* head_ HYBRID_GUARDED_BY(mutex_) = nullptr;
  thread_control* tail_ HYBRID_GUARDED_BY(mutex_) = nullptr;
  std::atomic<std::size_t> len_{0};  // written under mutex_, read without it
};

}  // namespace hybrid::detail
