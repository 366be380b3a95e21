// hybrid/src/timer_heap.hpp — one worker's sleeping threads, ordered by deadline (a binary
// min-heap; ties keep insertion order). Owner-only: only the worker that owns it touches it,
// so it needs no lock. Integrated with parking: a worker with timers sleeps only until the
// earliest deadline (worker.cpp).
#pragma once

#include <cassert>
#include <chrono>
#include <cstdint>
#include <queue>
#include <vector>

#include "owner_check.hpp"
#include "thread_control.hpp"

namespace hybrid::detail {

class timer_heap {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // bind_to_caller() — the calling kernel thread owns the heap from now on (debug builds check
  // every add and pop against it: owner_check.hpp).
  void bind_to_caller() noexcept { check_.bind(); }

  bool empty() const noexcept { return heap_.empty(); }

  // add(deadline, t) — t sleeps until deadline.
  void add(time_point deadline, thread_control* t) {
    assert(check_.held() && "timer_heap::add: not on the owner's kernel thread");
    heap_.push(entry{deadline, seq_++, t});
  }

  // next_deadline() — the earliest deadline. Precondition: !empty().
  time_point next_deadline() const noexcept { return heap_.top().deadline; }

  // pop_expired(now) — remove and return a thread whose deadline is <= now, earliest first,
  // or nullptr.
  thread_control* pop_expired(time_point now) noexcept {
    assert(check_.held() && "timer_heap::pop_expired: not on the owner's kernel thread");
    if (heap_.empty() || heap_.top().deadline > now) return nullptr;
    thread_control* t = heap_.top().thread;
    heap_.pop();
    return t;
  }

 private:
  struct entry {
    time_point deadline;
    std::uint64_t seq;
    thread_control* thread;
    // operator> — the heap's ordering: the earliest deadline, then the first added, on top.
    bool operator>(const entry& o) const noexcept {
      return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
    }
  };
  std::priority_queue<entry, std::vector<entry>, std::greater<entry>> heap_;
  std::uint64_t seq_ = 0;
  owner_check check_;
};

}  // namespace hybrid::detail
