// hybrid/src/timer_heap.hpp — one worker's sleeping threads, ordered by deadline (a binary
// min-heap; ties keep insertion order). Owner-only: only the worker that owns it touches it,
// so it needs no lock. Integrated with parking: a worker with timers sleeps only until the
// earliest deadline (worker.cpp).
#pragma once

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdint>
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

  // timer — what pop_expired hands back: the thread, and whether its timer is an I/O deadline
  // (its wake-up must then be claimed from its wait slot: worker.cpp) or a sleep's end.
  struct timer {
    thread_control* thread = nullptr;
    bool io = false;
  };

  bool empty() const noexcept { return heap_.empty(); }

  // add(deadline, t, io) — t's timer: a sleep ending at deadline, or (io) the deadline of the
  // socket wait t is parked in.
  void add(time_point deadline, thread_control* t, bool io = false) {
    assert(check_.held() && "timer_heap::add: not on the owner's kernel thread");
    heap_.push_back(entry{deadline, seq_++, t, io});
    std::push_heap(heap_.begin(), heap_.end(), later);
    if (io) ++io_entries_;
  }

  // next_deadline() — the earliest deadline. Precondition: !empty().
  time_point next_deadline() const noexcept { return heap_.front().deadline; }

  // pop_expired(now) — remove and return a timer whose deadline is <= now, earliest first, or
  // a timer with no thread.
  timer pop_expired(time_point now) noexcept {
    assert(check_.held() && "timer_heap::pop_expired: not on the owner's kernel thread");
    if (heap_.empty() || heap_.front().deadline > now) return {};
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const entry e = heap_.back();
    heap_.pop_back();
    if (e.io) --io_entries_;
    return timer{e.thread, e.io};
  }

  // drop_stale_io(still_waiting) — remove every I/O timer whose thread still_waiting(t) says
  // no longer waits on it (woken by its socket first). Such a timer would fire harmlessly, but
  // until then it would keep its worker from counting as idle forever, and so a finished run
  // from ending. O(n): called only when a worker is about to sleep.
  template <class StillWaiting>
  void drop_stale_io(StillWaiting still_waiting) {
    assert(check_.held() && "timer_heap::drop_stale_io: not on the owner's kernel thread");
    if (io_entries_ == 0) return;
    const auto stale = [&](const entry& e) { return e.io && !still_waiting(e.thread); };
    const auto kept = std::remove_if(heap_.begin(), heap_.end(), stale);
    if (kept == heap_.end()) return;
    heap_.erase(kept, heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), later);
    io_entries_ = static_cast<std::size_t>(
        std::count_if(heap_.begin(), heap_.end(), [](const entry& e) { return e.io; }));
  }

 private:
  struct entry {
    time_point deadline;
    std::uint64_t seq;
    thread_control* thread;
    bool io;
  };
  // later(a, b) — the heap's ordering (std::*_heap keep the greatest on top): the earliest
  // deadline, then the first added, is the "greatest".
  static bool later(const entry& a, const entry& b) noexcept {
    return a.deadline != b.deadline ? a.deadline > b.deadline : a.seq > b.seq;
  }
  std::vector<entry> heap_;
  std::uint64_t seq_ = 0;
  std::size_t io_entries_ = 0;
  owner_check check_;
};

}  // namespace hybrid::detail
