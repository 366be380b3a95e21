// coroutines/src/sync.cpp — mutex and condition_variable (include/coroutines/sync.hpp).
//
// The mutex hands the lock to the oldest waiter on unlock (the waiter becomes the owner before it
// runs), which is simple and fair but makes a contended lock a convoy: every critical section
// costs a suspension and a resumption. hybrid's mutex lets running threads barge in and hands
// off only to a waiter that has waited too long; that refinement is not ported here yet.
//
// A plain condition wait is wait morphing: notify moves the waiter from the condition's list to
// the mutex's (mutex::relock), so the thread runs once, already the owner, instead of running
// only to queue on the mutex held by its notifier. The stoppable waits keep the simpler path
// (wait_once: be made ready, then lock), since a stop request must be able to take the waiter
// out of whichever list it is in, and the mutex's list is not the condition's.
#include <coroutines/sync.hpp>

namespace coroutines {

bool mutex::take_or_contend() noexcept {
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  for (;;) {
    // acquire: as try_lock (partner: unlock's release).
    if (s == unlocked && state_.compare_exchange_weak(s, locked, std::memory_order_acquire,
                                                      std::memory_order_relaxed)) {
      return true;
    }
    // relaxed: the waiters lock orders the list; contended only routes unlock to the slow path.
    if (s == contended ||
        (s == locked && state_.compare_exchange_weak(s, contended, std::memory_order_relaxed))) {
      return false;
    }
  }
}

bool mutex::lock_slow(std::coroutine_handle<> h, detail::wait_node& node) noexcept {
  waiters_lock_.lock();
  if (take_or_contend()) {
    waiters_lock_.unlock();
    return false;
  }
  node.thread = detail::suspend_current(h, wait_kind::mutex);
  waiters_.push_back(&node);
  waiters_lock_.unlock();
  return true;
}

void mutex::relock(detail::wait_node& node) noexcept {
  waiters_lock_.lock();
  if (!take_or_contend()) {
    waiters_.push_back(&node);  // unlock hands the mutex over and makes the thread ready
    waiters_lock_.unlock();
    return;
  }
  detail::thread_control* owner = node.thread;  // the node dies once the thread runs
  waiters_lock_.unlock();
  // The thread owns the mutex now, acquired on its behalf; unpark's queue (release/acquire)
  // passes that on to it.
  detail::unpark(owner);
}

void mutex::unlock() noexcept {
  std::uint32_t expected = locked;
  // release: pairs with the acquire of the next try_lock / lock_slow.
  if (state_.compare_exchange_strong(expected, unlocked, std::memory_order_release,
                                     std::memory_order_relaxed)) {
    return;
  }
  waiters_lock_.lock();
  detail::wait_node* next = waiters_.pop_front();
  if (next == nullptr) {
    state_.store(unlocked, std::memory_order_release);  // as above
  } else if (waiters_.empty()) {
    state_.store(locked, std::memory_order_relaxed);  // handed over; no one else waits
  }
  detail::thread_control* owner = next != nullptr ? next->thread : nullptr;
  // The hand-off's ordering: the new owner is resumed through unpark's queue (release/acquire).
  waiters_lock_.unlock();
  if (owner != nullptr) detail::unpark(owner);
}

task<void> unique_lock::lock() {
  co_await mutex_->lock();
  owns_ = true;
}

// wait_awaiter — queue the waiter, then release the mutex, and suspend. released() says whether
// the mutex was released (not when a stop was already requested).
class condition_variable::wait_awaiter {
 public:
  wait_awaiter(condition_variable& cv, coroutines::mutex& m, const std::stop_token& token)
      : cv_(cv), mutex_(m), token_(token) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    if (token_.stop_possible()) {
      on_stop_.emplace(token_, detail::wait_canceller{&cv_.lock_, &cv_.waiters_, &node_});
    }
    cv_.lock_.lock();
    if (token_.stop_requested()) {
      cv_.lock_.unlock();
      return false;
    }
    node_.thread = detail::suspend_current(h, wait_kind::condition);
    coroutines::mutex* m = &mutex_;  // this awaiter may be gone once the node is published
    released_ = true;
    cv_.waiters_.push_back(&node_);
    cv_.lock_.unlock();
    m->unlock();  // after the node is queued: a notify under the mutex cannot be missed
    return true;
  }
  bool await_resume() const noexcept { return released_; }

 private:
  condition_variable& cv_;
  coroutines::mutex& mutex_;
  const std::stop_token& token_;
  detail::condition_node node_;  // relock null: this wait re-locks by itself (wait_once)
  bool released_ = false;
  std::optional<std::stop_callback<detail::wait_canceller>> on_stop_;
};

void condition_variable::suspend_plain(std::coroutine_handle<> h, detail::condition_node& node,
                                       coroutines::mutex& m) noexcept {
  node.relock = &m;
  lock_.lock();
  node.thread = detail::suspend_current(h, wait_kind::condition);
  waiters_.push_back(&node);
  lock_.unlock();
  m.unlock();  // after the node is queued: a notify under the mutex cannot be missed
}

void condition_variable::wake(detail::condition_node* node) noexcept {
  if (node->relock != nullptr) {
    node->relock->relock(*node);
  } else {
    detail::unpark(node->thread);
  }
}

task<void> condition_variable::wait_once(unique_lock& lock, std::stop_token token) {
  // Awaited into a variable, not in the if's condition: GCC 12 miscompiles a co_await there
  // whose awaiter has a destructor (README.md, "Things to know").
  wait_awaiter waiting(*this, *lock.mutex(), token);
  const bool released = co_await waiting;
  if (released) co_await lock.mutex()->lock();
}

// The notifiers take nodes out under lock_ and wake them after: a node stays valid until its
// thread runs, which only wake() (or the mutex's hand-off after it) lets happen.
void condition_variable::notify_one() noexcept {
  lock_.lock();
  detail::wait_node* n = waiters_.pop_front();
  lock_.unlock();
  if (n != nullptr) wake(static_cast<detail::condition_node*>(n));
}

void condition_variable::notify_all() noexcept {
  lock_.lock();
  detail::wait_node* list = waiters_.take_all();
  lock_.unlock();
  while (list != nullptr) {  // read next before waking: relock reuses it, and the node dies
    detail::wait_node* next = list->next;
    wake(static_cast<detail::condition_node*>(list));
    list = next;
  }
}

}  // namespace coroutines
