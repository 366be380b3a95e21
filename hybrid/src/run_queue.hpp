// hybrid/src/run_queue.hpp — each worker's bounded, lock-free local run queue.
//
// A bounded Chase–Lev work-stealing deque: D. Chase and Y. Lev, "Dynamic Circular
// Work-Stealing Deque", SPAA 2005, with the C11 memory orderings of N. M. Lê, A. Pop, A. Cohen
// and F. Zappa Nardelli, "Correct and Efficient Work-Stealing for Weak Memory Models",
// PPoPP 2013 — minus resizing: like Tokio's queue it has a fixed capacity, and the owner moves
// half of it to the injection queue when it is full.
//
// The owner pushes and pops at the bottom (LIFO: the newest spawned thread runs first, so a
// tree of spawns is explored depth-first and few threads are alive at once); thieves take the
// oldest threads at the top (FIFO: the biggest remaining pieces of work).
//
// Ownership is in the types: `run_queue::owner` may be used only by the worker that owns the
// queue; `run_queue::stealer` by anyone. The seq_cst operations are the two StoreLoad points
// of the algorithm (pop: bottom store vs. top load; steal: top load vs. bottom load): without
// them the owner and a thief could both take the last item.
#pragma once

#include <array>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>

#include "owner_check.hpp"
#include "thread_control.hpp"

namespace hybrid::detail {

template <std::size_t Capacity>
class run_queue {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "capacity: a power of two");

 public:
  class owner;
  class stealer;

  // owner_handle() / stealer_handle() — the two views; see the file comment.
  owner owner_handle() noexcept { return owner(*this); }
  stealer stealer_handle() noexcept { return stealer(*this); }

  // owner — "may only be used by the worker that owns the queue": the kernel thread that created
  // the handle, or that last called bind_to_caller() (checked in debug builds: owner_check.hpp).
  class owner {
   public:
    // bind_to_caller() — the calling kernel thread owns the queue from now on (a worker calls
    // it when its loop starts on its own thread).
    void bind_to_caller() noexcept { check_.bind(); }

    // push(t) — add t at the bottom. Returns false when full (t not added).
    bool push(thread_control* t) noexcept {
      assert(check_.held() && "run_queue::owner::push: not on the owner's kernel thread");
      std::int64_t b = q_->bottom_.load(std::memory_order_relaxed);
      // acquire: pairs with the seq_cst CAS on top_ in steal(); the slot we are about to
      // overwrite has been read by the thief that took it.
      std::int64_t top = q_->top_.load(std::memory_order_acquire);
      if (b - top >= static_cast<std::int64_t>(Capacity)) return false;
      q_->slots_[b & mask].store(t, std::memory_order_relaxed);
      // release: publishes the slot; pairs with the acquire/seq_cst load of bottom_ in steal().
      q_->bottom_.store(b + 1, std::memory_order_release);
      return true;
    }

    // pop() — take the newest thread (bottom), or nullptr when empty.
    thread_control* pop() noexcept {
      assert(check_.held() && "run_queue::owner::pop: not on the owner's kernel thread");
      std::int64_t b = q_->bottom_.load(std::memory_order_relaxed) - 1;
      // seq_cst: StoreLoad with the load of top_ below; pairs with the seq_cst loads in
      // steal(). Either the thief sees the smaller bottom or we see its larger top.
      q_->bottom_.store(b, std::memory_order_seq_cst);
      std::int64_t t = q_->top_.load(std::memory_order_seq_cst);
      if (t > b) {  // empty
        q_->bottom_.store(b + 1, std::memory_order_relaxed);
        return nullptr;
      }
      thread_control* x = q_->slots_[b & mask].load(std::memory_order_relaxed);
      if (t == b) {
        // The last item: race the thieves for it with their own CAS on top_.
        if (!q_->top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                              std::memory_order_relaxed)) {
          x = nullptr;
        }
        q_->bottom_.store(b + 1, std::memory_order_relaxed);
      }
      return x;
    }

    // pop_oldest() — take the oldest thread (top), as a thief would; used for fairness.
    thread_control* pop_oldest() noexcept { return stealer(*q_).steal_one(); }

    // size() — items in the queue; exact for the owner up to concurrent steals.
    std::size_t size() const noexcept {
      std::int64_t b = q_->bottom_.load(std::memory_order_relaxed);
      std::int64_t t = q_->top_.load(std::memory_order_relaxed);
      return b > t ? static_cast<std::size_t>(b - t) : 0;
    }

   private:
    friend class run_queue;
    explicit owner(run_queue& q) noexcept : q_(&q) { check_.bind(); }
    run_queue* q_;
    owner_check check_;
  };

  // stealer — "may be used from any thread".
  class stealer {
   public:
    // steal_one() — take the oldest thread, or nullptr when empty or when another thief (or
    // the owner's last-item pop) won the race.
    thread_control* steal_one() noexcept {
      // seq_cst: the two loads must not be reordered (StoreLoad partner of the owner's
      // seq_cst store of bottom_ in pop()).
      std::int64_t t = q_->top_.load(std::memory_order_seq_cst);
      std::int64_t b = q_->bottom_.load(std::memory_order_seq_cst);
      if (t >= b) return nullptr;
      thread_control* x = q_->slots_[t & mask].load(std::memory_order_relaxed);
      // seq_cst CAS: claims slot t; pairs with the owner's CAS in pop() and the acquire load
      // of top_ in push() (the slot may be reused only after this).
      if (!q_->top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                            std::memory_order_relaxed)) {
        return nullptr;
      }
      return x;
    }

    // steal_half_into(dst, moved) — take about half of this queue's threads: the first is
    // returned for the caller to run, the rest are pushed into dst (the caller's own queue).
    // *moved receives how many threads were taken in all. Precondition: dst is another
    // queue's owner handle and that queue is empty (so half of ours always fits).
    thread_control* steal_half_into(owner& dst, std::size_t* moved) noexcept {
      *moved = 0;
      std::int64_t t = q_->top_.load(std::memory_order_relaxed);
      std::int64_t b = q_->bottom_.load(std::memory_order_relaxed);
      std::int64_t n = b - t > 1 ? (b - t + 1) / 2 : 1;
      thread_control* first = nullptr;
      // One CAS per item: a multi-item CAS would race with the owner's CAS-free pops. A CAS
      // lost to the owner's pop_oldest (a yielding owner takes from the top too) is retried
      // while items remain, a bounded number of times: giving up after the first would turn
      // "half" into "one", and leave a worker with 3 yielding threads beside one with 1.
      for (std::int64_t i = 0, misses = 0; i < n;) {
        thread_control* x = steal_one();
        if (!x) {
          if (empty() || ++misses > n) break;
          continue;
        }
        ++i;
        ++*moved;
        if (!first) {
          first = x;
        } else {
          [[maybe_unused]] bool pushed = dst.push(x);
          assert(pushed && "steal_half_into: the destination queue must start empty");
        }
      }
      return first;
    }

    // ends(top, bottom) — a relaxed snapshot of both ends, for a thief deciding whether the
    // queue is worth stealing from (worker::worth_stealing); bottom - top is its length. No
    // ordering: a stale value only delays or hastens a steal, and steal_one re-checks.
    void ends(std::int64_t* top, std::int64_t* bottom) const noexcept {
      *top = q_->top_.load(std::memory_order_relaxed);
      *bottom = q_->bottom_.load(std::memory_order_relaxed);
    }

    // empty() — a snapshot: true when no thread was visible.
    bool empty() const noexcept {
      std::int64_t t = q_->top_.load(std::memory_order_seq_cst);
      std::int64_t b = q_->bottom_.load(std::memory_order_seq_cst);
      return t >= b;
    }

   private:
    friend class run_queue;
    explicit stealer(run_queue& q) noexcept : q_(&q) {}
    run_queue* q_;
  };

 private:
  static constexpr std::int64_t mask = static_cast<std::int64_t>(Capacity) - 1;
  // top_ and bottom_ on separate cache lines: thieves hammer top_, the owner bottom_.
  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  alignas(64) std::array<std::atomic<thread_control*>, Capacity> slots_{};
};

}  // namespace hybrid::detail
