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
  }
  return "?";
}

namespace {
// in_thread() — the current worker; asserts we are on a green thread of a run.
worker* in_thread() noexcept {
  worker* w = current_worker();
  assert(w && w->current() && "hybrid: called outside a green thread of hybrid::run");
  return w;
}
}  // namespace

thread_control* current_thread() noexcept { return in_thread()->current(); }

// Not analysed: the lock is released by the worker, on whichever thread runs next, once this
// thread's context is saved (worker::after_switch_out, after_switch::unlock).
void park_and_unlock(spinlock& lock, wait_reason why) HYBRID_NO_THREAD_SAFETY_ANALYSIS {
  worker* w = in_thread();
  thread_control* t = w->current();
  t->waiting_on = why;
  w->park_current(pending_action{after_switch::unlock, &lock, {}});
  t->waiting_on = wait_reason::none;
}

void unpark(thread_control* t) noexcept { in_thread()->make_ready(t); }

thread_control* reserve_thread(std::size_t size, std::size_t align, void** storage) {
  worker* w = current_worker();
  if (!w) throw std::logic_error("hybrid::spawn: called outside hybrid::run");
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

void abandon_thread(thread_control* t) noexcept { current_worker()->recycle(t); }

void start_thread(thread_control* t, const callable_ops* ops, const char* name) {
  worker* w = current_worker();
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

void run_thread_function(thread_control* t) noexcept {
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
  detail::worker* w = detail::in_thread();
  assert(t != w->current() && "thread::join: a thread cannot join itself");
  // acquire: pairs with the release exchange in worker::finish_thread; the thread's effects
  // and its error are visible.
  if (t->join_word.load(std::memory_order_acquire) != detail::join_done) {
    detail::thread_control* self = w->current();
    self->waiting_on = detail::wait_reason::join;
    self->waiting_detail = t->id;
    w->park_current(detail::pending_action{detail::after_switch::join, t, {}});
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
    detail::worker* w = detail::current_worker();
    assert(w && "thread: handles must be destroyed inside hybrid::run");
    if (w) w->recycle(t);
  }
}

std::uint64_t thread::id() const noexcept { return control_ ? control_->id : 0; }

bool thread::request_stop() noexcept { return control_ && control_->stop.request_stop(); }

std::stop_token thread::get_stop_token() const noexcept {
  return control_ ? control_->stop.get_token() : std::stop_token{};
}

unsigned worker_id() noexcept {
  detail::worker* w = detail::current_worker();
  return w ? w->index() : 0;
}

unsigned worker_count() noexcept {
  detail::worker* w = detail::current_worker();
  return w ? w->sched().worker_count() : 0;
}

namespace this_thread {

void yield() {
  detail::worker* w = detail::in_thread();
  if (w->alone()) return;  // nobody else to let run (and no timer to fire): no switch
  w->park_current(detail::pending_action{detail::after_switch::yielded, nullptr, {}});
}

void sleep_until(std::chrono::steady_clock::time_point t) {
  detail::worker* w = detail::in_thread();
  detail::thread_control* self = w->current();
  self->waiting_on = detail::wait_reason::sleep;
  w->park_current(detail::pending_action{detail::after_switch::sleep, nullptr, t});
  self->waiting_on = detail::wait_reason::none;
}

std::uint64_t get_id() noexcept { return detail::current_thread()->id; }

}  // namespace this_thread

}  // namespace hybrid
