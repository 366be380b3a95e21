// coroutines/src/thread.cpp — a coroutine thread's life: start, suspend and unpark, yield, sleep,
// and the end that the join handle waits for (the lock-free join word).
//
// The join word (thread_control::join_word) is a one-waiter list:
//   J1. the joiner records its resume point and CASes running -> itself (release: what it wrote
//       is visible to the ending thread), and suspends; a failed CAS means the thread has ended;
//   J2. the ending thread, its result stored, exchanges the word to terminated (acq_rel: its
//       result is released to the joiner; the joiner's resume point acquired) and unparks a
//       joiner it finds there. After J2 the thread touches nothing of its own.
//   J3. the handle, given up (after a join, a detach, or its destruction), reads the word: if
//       terminated (acquire: the thread's last writes), it deletes the control block and the
//       frames; if running, it CASes running -> detached (release) and the thread deletes them
//       itself when J2 finds detached there.
// So the control block needs no reference count: one word decides who deletes, and the common
// case, a thread that ends before its handle is joined, costs one atomic exchange (J2) and one
// load (J3) instead of a count's two more read-modify-writes.
#include <coroutines/thread.hpp>

#include <chrono>
#include <cstdint>

#include "scheduler.hpp"
#include "worker.hpp"

namespace coroutines {

namespace detail {

thread_control* current_thread() noexcept {
  worker* w = current_worker();
  return w != nullptr ? w->current() : nullptr;
}

thread_control* suspend_current(std::coroutine_handle<> h, wait_kind why) noexcept {
  worker* w = current_worker();
  thread_control* t = w->current();
  t->resume = h;
  t->waiting = why;
  scheduler::running()->report(t, thread_state::blocked, w);
  return t;
}

void unpark(thread_control* t) noexcept {
  worker* w = current_worker();
  scheduler* s = scheduler::running();
  s->report(t, thread_state::ready, w);
  if (w != nullptr) {
    w->make_ready_next(t);
  } else {
    s->inject(t, t, 1);  // a stop requested from a kernel thread outside the run
  }
}

void start_thread(thread_control* t, std::coroutine_handle<> outermost) noexcept {
  worker* w = current_worker();
  scheduler* s = scheduler::running();
  t->id = w->thread_started();
  t->resume = outermost;
  ++w->counters().threads_spawned;
  s->report(t, thread_state::created, w);
  w->make_ready_local(t);
}

void finish_thread(thread_control* t) noexcept {
  worker* w = current_worker();
  scheduler* s = scheduler::running();
  s->report(t, thread_state::terminated, w);
  w->thread_ended();
  // J2. acq_rel: see the file comment.
  const std::uintptr_t word = t->join_word.exchange(join_terminated, std::memory_order_acq_rel);
  if (word == join_detached) {
    t->destroy(t);  // frees the frame this is called from: nothing of it is touched after
  } else if (word != join_running) {
    unpark(reinterpret_cast<thread_control*>(word));
  }
}

void detach_thread(thread_control* t) noexcept {
  // J3. acquire: pairs with J2's release; the thread's last writes happen-before the delete.
  std::uintptr_t word = t->join_word.load(std::memory_order_acquire);
  // release: the handle's last reads of t happen-before the thread's delete (J2's acquire);
  // acquire on failure: the thread terminated meanwhile, as above.
  if (word == join_running &&
      t->join_word.compare_exchange_strong(word, join_detached, std::memory_order_release,
                                           std::memory_order_acquire)) {
    return;
  }
  t->destroy(t);
}

bool await_join(thread_control* t, std::coroutine_handle<> h) noexcept {
  thread_control* self = suspend_current(h, wait_kind::join);
  std::uintptr_t expected = join_running;
  // J1. release: partner of J2's acquire; acquire on failure: partner of J2's release.
  if (t->join_word.compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(self),
                                           std::memory_order_release, std::memory_order_acquire)) {
    return true;
  }
  // It ended between await_ready and the CAS: the thread goes on without suspending, and the
  // observer sees it blocked for no time.
  worker* w = current_worker();
  scheduler::running()->report(self, thread_state::ready, w);
  scheduler::running()->report(self, thread_state::running, w);
  return false;
}

void cancel_timer(timer_node* n) noexcept {
  auto* heap = static_cast<timer_heap*>(n->heap);
  heap->lock.lock();
  const bool removed = heap->remove(n);
  thread_control* t = n->thread;
  heap->lock.unlock();
  if (removed) unpark(t);  // still suspended: the node stays valid until this call
}

}  // namespace detail

void yield_awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
  detail::worker* w = detail::current_worker();
  detail::thread_control* t = w->current();
  t->resume = h;
  detail::scheduler::running()->report(t, thread_state::ready, w);
  w->make_ready_later(t);  // owner-only list: nobody resumes t before this worker returns
}

bool sleep_awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
  if (node_.deadline <= std::chrono::steady_clock::now()) {
    node_.fired = true;
    return false;
  }
  detail::worker* w = detail::current_worker();
  node_.heap = &w->timers;
  // Registered before the heap's lock is taken: a callback run at once finds it free.
  if (token_.stop_possible()) on_stop_.emplace(token_, detail::timer_canceller{&node_});
  w->timers.lock.lock();
  if (token_.stop_requested()) {
    w->timers.lock.unlock();
    return false;
  }
  node_.thread = detail::suspend_current(h, wait_kind::sleep);
  w->timers.push(&node_);
  w->timers.lock.unlock();
  return true;
}

std::uint64_t this_thread::get_id() noexcept { return detail::current_thread()->id; }

}  // namespace coroutines
