// hybrid/detail/park.hpp — the small private interface that the public templates (channel,
// spawn) need from the scheduler: park the calling green thread, unpark another one, and carve
// a new thread out of a pooled stack. Not for users; the definitions live in hybrid/src/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stop_token>

#include "spinlock.hpp"

namespace hybrid::detail {

// thread_control — a thread's control block; defined in src/thread_control.hpp. It lives at the
// top of the thread's own stack.
struct thread_control;

// wait_reason — what a blocked thread waits for; shown in deadlock reports.
enum class wait_reason : std::uint8_t {
  none,
  mutex,
  condition,
  channel_push,
  channel_pop,
  join,
  sleep,
  io_read,        // a socket read or accept: waits for the descriptor to be readable
  io_write,       // a socket write or connect: waits for it to be writable
  blocking_call,  // in blocking(fn), on a spare kernel thread
};

// describe(r) — "mutex lock", "condition variable wait", "channel push", ...
const char* describe(wait_reason r) noexcept;

// wait_node — one blocked thread in a primitive's wait list. It lives on the blocked thread's
// own stack, which stays valid until that thread is unparked; so a waker must finish with the
// node before it calls unpark.
struct wait_node {
  thread_control* thread = nullptr;
  wait_node* next = nullptr;
};

// wait_list — an intrusive FIFO of wait_nodes. Not synchronized: guarded by the primitive's
// spinlock.
class wait_list {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  // push_back(n) — append n. Precondition: n is in no list.
  void push_back(wait_node* n) noexcept {
    n->next = nullptr;
    if (tail_)
      tail_->next = n;
    else
      head_ = n;
    tail_ = n;
  }
  // push_front(n) — prepend n (a waiter going back to the head of the line). Precondition: n
  // is in no list.
  void push_front(wait_node* n) noexcept {
    n->next = head_;
    head_ = n;
    if (!tail_) tail_ = n;
  }
  // pop_front() — remove and return the oldest node, or nullptr.
  wait_node* pop_front() noexcept {
    wait_node* n = head_;
    if (n) {
      head_ = n->next;
      if (!head_) tail_ = nullptr;
    }
    return n;
  }
  // take_all() — empty the list and return its former head (walk with ->next).
  wait_node* take_all() noexcept {
    wait_node* n = head_;
    head_ = tail_ = nullptr;
    return n;
  }
  // remove(n) — take n out of the list; false when n is not in it (already woken). A walk from
  // the head: only stop requests take this path, never a primitive's wake-up.
  bool remove(wait_node* n) noexcept {
    wait_node* before = nullptr;
    for (wait_node* at = head_; at != nullptr; before = at, at = at->next) {
      if (at != n) continue;
      (before ? before->next : head_) = n->next;
      if (tail_ == n) tail_ = before;
      return true;
    }
    return false;
  }

 private:
  wait_node* head_ = nullptr;
  wait_node* tail_ = nullptr;
};

// current_thread() — the control block of the calling green thread.
// Precondition: called from a thread of hybrid::run.
thread_control* current_thread() noexcept;

// park_and_unlock(lock, why) — block the calling thread. Precondition: the caller holds `lock`
// and has put a wait_node for itself in a list guarded by it. The worker releases `lock` only
// after the thread's context is completely saved, so a waker, which must take `lock` to find
// the node, can never resume a thread that is still running. Returns after unpark(self).
void park_and_unlock(spinlock& lock, wait_reason why) HYBRID_RELEASE(lock);

// unpark(t) — make blocked thread t ready. Precondition: the caller took t's wait_node out of
// its list (under the list's lock); each park is matched by exactly one unpark. Called from a
// thread of hybrid::run. The woken thread runs next on the caller's worker (its LIFO slot).
void unpark(thread_control* t) noexcept;

// cancel_wait(lock, list, node) — the stop request's half of a stoppable wait: under lock, take
// node out of list if it is still there and make its thread ready. A waiter checks its
// stop_token under the same lock before it enqueues, and std::stop_source sets the token before
// it runs callbacks, so a stop is never lost between the check and the park. Never blocks the
// calling green thread (a spinlock only), as a stop callback must not: std::stop_callback's
// destructor does not wait for a callback running on the same kernel thread.
// Precondition: called from a thread of hybrid::run (the one that requested the stop).
inline void cancel_wait(spinlock& lock, wait_list& list, wait_node* node) noexcept
    HYBRID_EXCLUDES(lock) {
  lock.lock();
  const bool removed = list.remove(node);
  thread_control* t = node->thread;
  lock.unlock();
  if (removed) unpark(t);  // still parked: node stays valid until this call
}

// wait_canceller — cancel_wait as a std::stop_callback: registered by a stoppable wait before
// it takes lock, so that a callback run at once (stop already requested) finds lock free.
struct wait_canceller {
  spinlock* lock;
  wait_list* list;
  wait_node* node;
  void operator()() const noexcept { cancel_wait(*lock, *list, node); }
};

// callable_ops — how the scheduler runs and destroys a type-erased thread function that was
// constructed in place on the thread's own stack.
struct callable_ops {
  void (*invoke)(void* fn, std::stop_token token);  // runs fn(token) or fn()
  void (*destroy)(void* fn) noexcept;               // ~F()
  bool takes_stop_token;                            // fn accepts a std::stop_token
};

// reserve_thread(size, align, storage) — take a stack from the pool and return its control
// block; *storage receives `size` bytes aligned to `align` on that stack for the function
// object. Precondition: inside hybrid::run; size is small next to the stack.
thread_control* reserve_thread(std::size_t size, std::size_t align, void** storage);

// abandon_thread(t) — give back a reserved thread that will not start (its function object's
// construction threw).
void abandon_thread(thread_control* t) noexcept;

// start_thread(t, ops, name) — make reserved thread t runnable with the function object already
// constructed at its storage. name may be nullptr; it is copied (truncated to 31 bytes).
void start_thread(thread_control* t, const callable_ops* ops, const char* name);

}  // namespace hybrid::detail
