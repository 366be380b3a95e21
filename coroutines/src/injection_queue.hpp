// coroutines/src/injection_queue.hpp — the global FIFO of ready threads: the body's first thread,
// threads made ready off a worker, and the half of a full local queue that spills over. A mutex
// and an intrusive list through thread_control::next.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>

#include <coroutines/detail/thread_control.hpp>

namespace coroutines::detail {

class injection_queue {
 public:
  // push(first, last, n) — append the list first..last (linked by next) of n threads.
  void push(thread_control* first, thread_control* last, std::size_t n) {
    last->next = nullptr;
    // The mutex's release (unlock) publishes the threads; pairs with the lock in pop().
    const std::lock_guard<std::mutex> hold(mutex_);
    (tail_ ? tail_->next : head_) = first;
    tail_ = last;
    size_.store(size_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void push(thread_control* t) { push(t, t, 1); }

  // pop() — the oldest thread, or nullptr.
  thread_control* pop() {
    if (looks_empty()) return nullptr;
    const std::lock_guard<std::mutex> hold(mutex_);
    thread_control* t = head_;
    if (t != nullptr) {
      head_ = t->next;
      if (head_ == nullptr) tail_ = nullptr;
      size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    }
    return t;
  }

  // looks_empty() — a snapshot without the lock. Relaxed: pop() re-checks under the mutex, and
  // the parking protocol reads it after a StoreLoad fence (scheduler.cpp, N2 and P3).
  bool looks_empty() const noexcept { return size_.load(std::memory_order_relaxed) == 0; }

 private:
  std::mutex mutex_;
  thread_control* head_ = nullptr;    // under mutex_
  thread_control* tail_ = nullptr;    // under mutex_
  std::atomic<std::size_t> size_{0};  // written under mutex_
};

}  // namespace coroutines::detail
