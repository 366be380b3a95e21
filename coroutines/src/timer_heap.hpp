// coroutines/src/timer_heap.hpp — each worker's sleeping threads, by deadline: a binary min-heap
// of timer_nodes (which live in the sleepers' awaiters) that records each node's index, so that a
// stop request can take one out from the middle. Guarded by its spinlock: the owning worker
// pushes and fires; a stop callback on any kernel thread removes (thread.cpp, cancel_timer).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <coroutines/detail/spinlock.hpp>
#include <coroutines/thread.hpp>

namespace coroutines::detail {

class timer_heap {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  spinlock lock;

  // push(n) — add n. lock held.
  void push(timer_node* n) {
    n->sequence = next_sequence_++;
    n->in_heap = true;
    n->index = nodes_.size();
    nodes_.push_back(n);
    sift_up(n->index);
    size_.store(nodes_.size(), std::memory_order_relaxed);
  }

  // remove(n) — take n out if it is in; false when it is not (it fired, or was cancelled).
  // lock held.
  bool remove(timer_node* n) noexcept {
    if (!n->in_heap) return false;
    const std::size_t at = n->index;
    n->in_heap = false;
    timer_node* last = nodes_.back();
    nodes_.pop_back();
    size_.store(nodes_.size(), std::memory_order_relaxed);
    if (last != n) {
      place(at, last);
      sift_down(at);
      sift_up(last->index);
    }
    return true;
  }

  // pop_due(now) — the earliest node if its deadline is not after now, taken out; else nullptr.
  // lock held.
  timer_node* pop_due(time_point now) noexcept {
    if (nodes_.empty() || nodes_.front()->deadline > now) return nullptr;
    timer_node* n = nodes_.front();
    remove(n);
    return n;
  }

  // next_deadline() — the earliest deadline, if any. lock held.
  std::optional<time_point> next_deadline() const noexcept {
    if (nodes_.empty()) return std::nullopt;
    return nodes_.front()->deadline;
  }

  bool empty() const noexcept { return nodes_.empty(); }  // lock held

  // looks_empty() — without the lock: no node, as far as the owning worker can tell. Exact for
  // the owner's own pushes (only the owner pushes); a removal by a stop callback elsewhere may
  // be seen late, which only costs the owner a look under the lock. relaxed: a hint, never
  // used to reach a node.
  bool looks_empty() const noexcept { return size_.load(std::memory_order_relaxed) == 0; }

 private:
  std::atomic<std::size_t> size_{0};  // nodes_.size(), written under the lock

  static bool earlier(const timer_node* a, const timer_node* b) noexcept {
    return a->deadline != b->deadline ? a->deadline < b->deadline : a->sequence < b->sequence;
  }
  void place(std::size_t at, timer_node* n) noexcept {
    nodes_[at] = n;
    n->index = at;
  }
  void sift_up(std::size_t at) noexcept {
    while (at > 0) {
      const std::size_t parent = (at - 1) / 2;
      if (!earlier(nodes_[at], nodes_[parent])) return;
      timer_node* up = nodes_[at];
      place(at, nodes_[parent]);
      place(parent, up);
      at = parent;
    }
  }
  void sift_down(std::size_t at) noexcept {
    for (;;) {
      std::size_t first = at;
      for (std::size_t child : {2 * at + 1, 2 * at + 2}) {
        if (child < nodes_.size() && earlier(nodes_[child], nodes_[first])) first = child;
      }
      if (first == at) return;
      timer_node* down = nodes_[at];
      place(at, nodes_[first]);
      place(first, down);
      at = first;
    }
  }

  std::vector<timer_node*> nodes_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace coroutines::detail
