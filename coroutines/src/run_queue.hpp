// coroutines/src/run_queue.hpp — each worker's bounded, lock-free local run queue of coroutine
// threads: a Chase–Lev work-stealing deque (Chase and Lev, SPAA 2005, with the C11 orderings of
// Lê, Pop, Cohen and Zappa Nardelli, PPoPP 2013), fixed in size: a full queue spills half of
// itself to the injection queue instead of growing.
//
// The owner pushes and pops at the bottom (the newest thread first: a tree of spawns runs
// depth-first); thieves take from the top (the oldest). Only the owning worker may call push,
// pop and size; anyone may call steal, steal_half_into and looks_empty. The seq_cst operations
// are the algorithm's two StoreLoad points, where the owner and a thief race for the last item.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include <coroutines/detail/thread_control.hpp>

namespace coroutines::detail {

template <std::size_t Capacity>
class run_queue {
  static_assert((Capacity & (Capacity - 1)) == 0 && Capacity >= 2, "a power of two");
  static constexpr std::int64_t index_mask = static_cast<std::int64_t>(Capacity) - 1;

 public:
  // push(t) — owner: add t at the bottom; false when full.
  bool push(thread_control* t) noexcept {
    const std::int64_t bottom = bottom_.load(std::memory_order_relaxed);
    // acquire: pairs with the thieves' seq_cst CAS of top_; the slot about to be reused was read.
    const std::int64_t top = top_.load(std::memory_order_acquire);
    if (bottom - top >= static_cast<std::int64_t>(Capacity)) return false;
    slots_[bottom & index_mask].store(t, std::memory_order_relaxed);
    // release: publishes the slot (and the thread's plain fields); pairs with the seq_cst loads
    // of bottom_ in steal().
    bottom_.store(bottom + 1, std::memory_order_release);
    return true;
  }

  // pop() — owner: take the newest thread, or nullptr.
  thread_control* pop() noexcept {
    const std::int64_t bottom = bottom_.load(std::memory_order_relaxed) - 1;
    // seq_cst store, then seq_cst load of top_: the StoreLoad point; pairs with steal()'s seq_cst
    // loads. Either a thief sees the lowered bottom or the owner sees the thief's raised top.
    bottom_.store(bottom, std::memory_order_seq_cst);
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    if (top > bottom) {
      bottom_.store(bottom + 1, std::memory_order_relaxed);
      return nullptr;
    }
    thread_control* t = slots_[bottom & index_mask].load(std::memory_order_relaxed);
    if (top == bottom) {
      // The last one: the owner races the thieves through the same CAS on top_ (partner: the
      // CAS in steal()).
      if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        t = nullptr;
      }
      bottom_.store(bottom + 1, std::memory_order_relaxed);
    }
    return t;
  }

  // steal() — anyone: take the oldest thread, or nullptr when empty or a race was lost.
  thread_control* steal() noexcept {
    // seq_cst loads, in this order: partners of the owner's seq_cst store in pop().
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    const std::int64_t bottom = bottom_.load(std::memory_order_seq_cst);
    if (top >= bottom) return nullptr;
    thread_control* t = slots_[top & index_mask].load(std::memory_order_relaxed);
    // seq_cst CAS: claims slot `top`; partners: the owner's CAS in pop() and its acquire load of
    // top_ in push() (the slot is reused only after this).
    return top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)
               ? t
               : nullptr;
  }

  // steal_half_into(into, moved) — a thief: take about half of the threads, oldest first; the
  // first is returned to run, the others pushed on `into` (the thief's own queue, empty).
  // *moved: how many were taken. One CAS per thread: a CAS of several would race the owner's
  // CAS-free pops.
  thread_control* steal_half_into(run_queue& into, std::size_t* moved) noexcept {
    *moved = 0;
    const std::int64_t length =
        bottom_.load(std::memory_order_relaxed) - top_.load(std::memory_order_relaxed);
    const std::int64_t wanted = length > 1 ? (length + 1) / 2 : 1;
    thread_control* first = nullptr;
    for (std::int64_t taken = 0; taken < wanted; ++taken) {
      thread_control* t = steal();
      if (t == nullptr) break;
      ++*moved;
      if (first == nullptr) {
        first = t;
      } else {
        into.push(t);  // cannot fail: `into` started empty and holds at most half of Capacity
      }
    }
    return first;
  }

  // looks_empty() — anyone: a snapshot (seq_cst loads: the parking protocol's re-check reads it
  // after its StoreLoad fence).
  bool looks_empty() const noexcept {
    return top_.load(std::memory_order_seq_cst) >= bottom_.load(std::memory_order_seq_cst);
  }

  // ends(top, bottom) — anyone: a relaxed snapshot of both ends, for a thief deciding whether
  // the queue is worth stealing from (worker.cpp, worth_stealing); bottom - top is its length.
  // No ordering: a stale value only delays or hastens a steal, and steal() re-checks.
  void ends(std::int64_t* top, std::int64_t* bottom) const noexcept {
    *top = top_.load(std::memory_order_relaxed);
    *bottom = bottom_.load(std::memory_order_relaxed);
  }

  // size() — owner: the number of threads, up to concurrent steals.
  std::size_t size() const noexcept {
    const std::int64_t n =
        bottom_.load(std::memory_order_relaxed) - top_.load(std::memory_order_relaxed);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }

 private:
  // Separate cache lines: thieves write top_, the owner bottom_.
  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  alignas(64) std::array<std::atomic<thread_control*>, Capacity> slots_{};
};

}  // namespace coroutines::detail
