// coroutines/detail/park.hpp — the small private interface the public templates (task, channel,
// spawn) need from the scheduler: suspend the calling coroutine thread into a wait list, make a
// blocked thread ready again, cancel a wait on a stop request. Not for users; the definitions
// live in coroutines/src/.
#pragma once

#include <coroutine>

#include "../observer.hpp"
#include "spinlock.hpp"
#include "thread_control.hpp"

namespace coroutines::detail {

// wait_node — one blocked thread in a primitive's wait list. It lives in the awaiter, that is in
// the blocked coroutine's frame, which stays valid until the thread is resumed; so a waker must
// finish with the node before it calls unpark.
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
    (tail_ ? tail_->next : head_) = n;
    tail_ = n;
  }
  // pop_front() — remove and return the oldest node, or nullptr.
  wait_node* pop_front() noexcept {
    wait_node* n = head_;
    if (n != nullptr) {
      head_ = n->next;
      if (head_ == nullptr) tail_ = nullptr;
    }
    return n;
  }
  // take_all() — empty the list and return its former head (walk with ->next).
  wait_node* take_all() noexcept {
    wait_node* n = head_;
    head_ = tail_ = nullptr;
    return n;
  }
  // remove(n) — take n out of the list; false when it is not there (already woken). A walk
  // from the head: only stop requests take this path.
  bool remove(wait_node* n) noexcept {
    for (wait_node **at = &head_, *before = nullptr; *at != nullptr;
         before = *at, at = &(*at)->next) {
      if (*at != n) continue;
      *at = n->next;
      if (tail_ == n) tail_ = before;
      return true;
    }
    return false;
  }

 private:
  wait_node* head_ = nullptr;
  wait_node* tail_ = nullptr;
};

// current_thread() — the control block of the calling coroutine thread, or nullptr off a
// worker. Out of line on purpose: a coroutine may resume on another kernel thread, and a
// thread_local's address must not be kept across a suspension (scheduler.cpp, Migration).
thread_control* current_thread() noexcept;

// suspend_current(h, why) — the calling thread is about to block in an await_suspend: record h
// as the frame to resume and report the thread blocked on `why`. Returns its control block, to
// put in a wait node. Call it before the node is published (under the primitive's lock): after
// that, another worker may resume h at once, and the await_suspend must touch nothing of the
// frame (the awaiter included) again. Precondition: on a worker, inside a coroutine thread.
thread_control* suspend_current(std::coroutine_handle<> h, wait_kind why) noexcept;

// unpark(t) — make blocked thread t ready. Precondition: the caller took t's wait node out of
// its list (under the list's lock); each suspension is matched by exactly one unpark. On a
// worker, t runs next there (its LIFO slot); off a worker (a stop requested from a kernel thread
// outside the run) it goes to the injection queue.
void unpark(thread_control* t) noexcept;

// wait_canceller — the stop request's half of a stoppable wait, as a std::stop_callback: under
// lock, take node out of list if it is still there and make its thread ready. A waiter registers
// it before taking lock (a callback run at once, the stop being already requested, then finds
// lock free) and checks its stop_token under lock before it enqueues; std::stop_source sets the
// token before it runs callbacks, so a stop is never lost between the check and the suspension.
// Never suspends the calling thread (a spinlock only), as a stop callback must not.
struct wait_canceller {
  spinlock* lock;
  wait_list* list;
  wait_node* node;
  void operator()() const noexcept {
    lock->lock();
    const bool removed = list->remove(node);
    thread_control* t = node->thread;
    lock->unlock();
    if (removed) unpark(t);  // still suspended: the node stays valid until this call
  }
};

}  // namespace coroutines::detail
