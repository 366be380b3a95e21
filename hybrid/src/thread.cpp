// hybrid/src/thread.cpp — spawn, join, detach, yield, sleep: the thread-side half of the
// scheduler, and the park/unpark entry points that the primitives use.
//
// Join protocol (lock-free, one RMW per side, on thread_control::join_word):
//   joiner:   sees join_done → done. Otherwise parks with after_switch::join; once its context
//             is saved its worker CASes join_word from join_running to the joiner's control
//             block. The CAS fails only if the thread terminated meanwhile: then the joiner is
//             made ready at once.
//   exiting:  after its last switch, its worker exchanges join_word with join_done; if it
//             held a joiner, the joiner is made ready; if join_detached, the stack is recycled.
//   The joiner recycles the stack of a joined thread (after reading its exception).
#include <cassert>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <hybrid/blocking.hpp>
#include <hybrid/scheduler.hpp>
#include <hybrid/thread.hpp>

#include "scheduler.hpp"
#include "worker.hpp"

namespace hybrid {

const char* to_string(thread_state s) noexcept {
  switch (s) {
    case thread_state::created:
      return "created";
    case thread_state::ready:
      return "ready";
    case thread_state::running:
      return "running";
    case thread_state::blocked:
      return "blocked";
    case thread_state::terminated:
      return "terminated";
  }
  return "?";
}

namespace detail {

const char* describe(wait_reason r) noexcept {
  switch (r) {
    case wait_reason::none:
      return "nothing";
    case wait_reason::mutex:
      return "mutex lock";
    case wait_reason::condition:
      return "condition variable wait";
    case wait_reason::channel_push:
      return "channel push";
    case wait_reason::channel_pop:
      return "channel pop";
    case wait_reason::join:
      return "join";
    case wait_reason::sleep:
      return "sleep";
    case wait_reason::io_read:
      return "a socket read";
    case wait_reason::io_write:
      return "a socket write";
    case wait_reason::blocking_call:
      return "a blocking call";
  }
  return "?";
}

thread_control* current_thread() noexcept {
  carrier* c = current_carrier();
  assert(c && c->current && "hybrid: called outside a green thread of hybrid::run");
  return c->current;
}

// Not analysed: the lock is released by the worker, on whichever thread runs next, once this
// thread's context is saved (worker::after_switch_out, after_switch::unlock).
void park_and_unlock(spinlock& lock, wait_reason why) HYBRID_NO_THREAD_SAFETY_ANALYSIS {
  runtime_scope scope;
  park_held_and_unlock(scope.held(), lock, why);
}

void park_held_and_unlock(worker& w, spinlock& lock,
                          wait_reason why) HYBRID_NO_THREAD_SAFETY_ANALYSIS {
  thread_control* t = w.current();
  t->waiting_on = why;
  w.park_current(after_switch::unlock, &lock);
  t->waiting_on = wait_reason::none;
}

void unpark(thread_control* t) noexcept {
  runtime_scope scope;
  scope.held().make_ready(t);
}

thread_control* reserve_thread(std::size_t size, std::size_t align, void** storage) {
  if (current_carrier() == nullptr)
    throw std::logic_error("hybrid::spawn: called outside hybrid::run");
  runtime_scope scope;
  worker* w = &scope.held();
  thread_control* t = w->sched().stacks.acquire(w->stacks());
  auto top = reinterpret_cast<std::uintptr_t>(t->usable_top());
  std::uintptr_t a = align < 16 ? 16 : align;
  std::uintptr_t p = (top - size) & ~(a - 1);
  if (size >= t->stack_size / 4) {
    w->recycle(t);
    throw std::length_error(
        "hybrid::spawn: the thread's function object is too large for its stack");
  }
  t->fn_storage = reinterpret_cast<void*>(p);
  *storage = t->fn_storage;
  return t;
}

void abandon_thread(thread_control* t) noexcept {
  runtime_scope scope;
  scope.held().recycle(t);
}

void start_thread(thread_control* t, const callable_ops* ops, const char* name) {
  runtime_scope scope;
  worker* w = &scope.held();
  t->id = w->next_thread_id();
  if (name) {
    std::strncpy(t->name, name, sizeof t->name - 1);
    t->name[sizeof t->name - 1] = '\0';
  } else {
    t->name[0] = '\0';
  }
  t->ops = ops;
  if (ops->takes_stop_token) t->stop = std::stop_source();
  t->waiting_on = wait_reason::none;
  t->join_word.store(join_running, std::memory_order_relaxed);  // published by the queue push
  try {
    create_context(t);
  } catch (...) {
    ops->destroy(t->fn_storage);
    w->recycle(t);
    throw;
  }
  w->spawned.bump();
  w->observe(t, thread_state::created);
  w->schedule_new(t);
}

void leave_worker() {
  // Already alone (an earlier blocking call, or the monitor took the worker while this thread
  // was in the kernel): fn runs here. Relaxed: only the monitor writes claim_taken
  // concurrently, and a thread that misses it takes the slow path below (runtime_scope).
  if (current_carrier()->claim.load(std::memory_order_relaxed) == claim_taken) return;
  runtime_scope scope;
  worker& w = scope.held();
  carrier* spare = w.sched().reserve_spare();
  if (spare == nullptr) return;  // every spare in use: fn runs here, holding the worker
  // This thread moves to the spare, which runs it alone; the worker stays on this kernel thread
  // and goes on with its queue at once (no kernel thread has to wake for it to continue).
  w.sched().count_carried_off();
  w.sched().blocking_moves.fetch_add(1, std::memory_order_relaxed);
  thread_control* self = w.current();
  self->waiting_on = wait_reason::blocking_call;
  w.park_current(after_switch::carry_off, spare);
  self->waiting_on = wait_reason::none;
  // Running on the spare now, with no worker. The next entry into the scheduler sends this
  // thread back to the workers (enter_runtime_slow).
}

void run_thread_function(thread_control* t) noexcept {
  // Here, not in thread_main: context.cpp is not instrumented in sanitizer builds, and TSan must
  // see this release store (the monitor's acquire of in_user pairs with it).
  leave_runtime();
  try {
    t->ops->invoke(t->fn_storage, t->stop.get_token());
  } catch (...) {
    t->error = std::current_exception();
  }
  t->ops->destroy(t->fn_storage);
}

}  // namespace detail

thread spawn_control(detail::thread_control* c) noexcept { return thread(c); }

void thread::join() {
  assert(control_ && "thread::join: not joinable");
  detail::thread_control* t = std::exchange(control_, nullptr);
  detail::runtime_scope scope;
  detail::worker* w = &scope.held();
  assert(t != w->current() && "thread::join: a thread cannot join itself");
  // acquire: pairs with the release exchange in worker::finish_thread; the thread's effects
  // and its error are visible.
  if (t->join_word.load(std::memory_order_acquire) != detail::join_done) {
    detail::thread_control* self = w->current();
    self->waiting_on = detail::wait_reason::join;
    self->waiting_detail = t->id;
    w->park_current(detail::after_switch::join, t);
    self->waiting_on = detail::wait_reason::none;
    w = detail::current_worker();  // we may have migrated
  }
  std::exception_ptr error = std::move(t->error);
  w->recycle(t);
  if (error) std::rethrow_exception(error);
}

void thread::detach() noexcept {
  detail::thread_control* t = std::exchange(control_, nullptr);
  if (!t) return;
  std::uintptr_t expected = detail::join_running;
  // acq_rel: on success publishes "detached" to finish_thread's exchange; on failure (the
  // thread is done) acquire pairs with that exchange's release before we recycle.
  if (!t->join_word.compare_exchange_strong(expected, detail::join_detached,
                                            std::memory_order_acq_rel, std::memory_order_acquire)) {
    assert(detail::current_carrier() && "thread: handles must be destroyed inside hybrid::run");
    if (detail::current_carrier() == nullptr) return;
    detail::runtime_scope scope;
    scope.held().recycle(t);
  }
}

std::uint64_t thread::id() const noexcept { return control_ ? control_->id : 0; }

bool thread::request_stop() noexcept { return control_ && control_->stop.request_stop(); }

std::stop_token thread::get_stop_token() const noexcept {
  return control_ ? control_->stop.get_token() : std::stop_token{};
}

unsigned worker_id() noexcept {
  // A thread running alone (after blocking(fn)) reports the worker it ran on last.
  detail::carrier* c = detail::current_carrier();
  if (c == nullptr) return 0;
  return c->held != nullptr ? c->held->index() : c->carried_index;
}

unsigned worker_count() noexcept {
  detail::carrier* c = detail::current_carrier();
  return c != nullptr ? c->sched().worker_count() : 0;
}

namespace this_thread {

void yield() {
  detail::runtime_scope scope;
  detail::worker* w = &scope.held();
  if (w->alone()) {
    // Nobody else to let run (and no timer to fire): no switch. Still a scheduling point: the
    // monitor must not take this worker for a hog (there is nothing to hand over anyway).
    w->note_dispatch();
    return;
  }
  w->park_current(detail::after_switch::yielded, nullptr);
}

void sleep_until(std::chrono::steady_clock::time_point t) {
  detail::runtime_scope scope;
  detail::worker* w = &scope.held();
  detail::thread_control* self = w->current();
  self->waiting_on = detail::wait_reason::sleep;
  w->park_current(detail::after_switch::sleep, nullptr, t);
  self->waiting_on = detail::wait_reason::none;
}

std::uint64_t get_id() noexcept { return detail::current_thread()->id; }

}  // namespace this_thread

}  // namespace hybrid
