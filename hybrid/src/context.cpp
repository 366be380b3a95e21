// hybrid/src/context.cpp — the only file that switches stacks (Boost.Context fibers).
//
// A thread that stops (park, yield, exit) picks the next thread of its worker itself and jumps
// straight to it — one jump per switch; only when nothing is ready does it jump to the worker's
// scheduler context (the kernel thread's own stack), which searches and sleeps:
//
//   thread A ──switch_away(A, B)──▶ thread B: arrive() saves A's context, does A's pending action
//   thread A ──switch_away(A, -)──▶ scheduler: run_thread() saves A's context, does its action
//   scheduler ──resume(B)─────────▶ thread B: arrive() keeps the scheduler's context
//
// Whoever arrives first saves the context of the thread that left (Boost hands it over as the
// `from` fiber) and only then performs that thread's pending action ("release this spinlock",
// "join that thread"), which may make it visible to other workers. So a thread can never be
// resumed elsewhere while it is still running: the hand-shake that makes cross-worker wake-ups
// safe; see scheduler.cpp, "Migration".
//
// In sanitizer builds this file is compiled without -fsanitize=thread/address (CMakeLists):
// Boost's fiber_entry runs briefly on a new stack before any switch is announced.
#include <boost/context/fiber.hpp>
#include <boost/context/preallocated.hpp>
#include <boost/context/stack_context.hpp>

#include "sanitizer.hpp"
#include "worker.hpp"

namespace hybrid::detail {

namespace {
// no_deallocation — the "stack allocator" Boost keeps in the fiber record. Stacks belong to
// our pool and are recycled through join (thread.cpp), so there is nothing to do here.
struct no_deallocation {
  void deallocate(boost::context::stack_context&) noexcept {}
};

// usable(t, bottom) — the bytes of t's stack that frames may use (for ASan).
std::size_t usable(thread_control* t, const char** bottom) noexcept {
  *bottom = t->stack_base + t->guard_size;
  return static_cast<std::size_t>(t->usable_top() - *bottom);
}

// leave_for(w, self_fake_stack, next) — announce the switch from the running thread to `next`
// (or to w's scheduler when next is nullptr).
void leave_for(worker& w, void** self_fake_stack, thread_control* next) noexcept {
  if (next) {
    const char* bottom;
    std::size_t size = usable(next, &bottom);
    sanitizer::leave_thread_for(self_fake_stack, next->tsan_fiber, bottom, size);
  } else {
    sanitizer::leave_thread(w.sanitizer_state, self_fake_stack);
  }
}

// thread_entry — the first frame of every green thread.
struct thread_entry {
  thread_control* t;
  boost::context::fiber operator()(boost::context::fiber&& from) const {
    arrive(*current_worker(), t, std::move(from));
    run_thread_function(t);
    worker* w = current_worker();  // the thread may have migrated
    w->pending = pending_action{w->prepare_exit(t), nullptr, {}};
    w->leaving = t;
    thread_control* next = w->choose_next();
    leave_for(*w, nullptr, next);
    // Returning a context switches to it; Boost then frees nothing (no_deallocation) and the
    // arriving side finishes this thread (worker::after_switch_out).
    return next ? std::move(next->context) : std::move(w->scheduler_context);
  }
};
}  // namespace

void create_context(thread_control* t) {
  boost::context::stack_context whole;
  whole.sp = t->usable_top();
  whole.size = static_cast<std::size_t>(t->usable_top() - (t->stack_base + t->guard_size));
  // The function object sits between here and the control block; frames start below it.
  char* sp = static_cast<char*>(t->fn_storage);
  boost::context::preallocated palloc(sp, static_cast<std::size_t>(sp - (t->stack_base + t->guard_size)),
                                      whole);
  t->context = boost::context::fiber(std::allocator_arg, palloc, no_deallocation{}, thread_entry{t});
  sanitizer::fiber_created(&t->tsan_fiber);
}

boost::context::fiber resume(worker& w, thread_control* t) {
  const char* bottom;
  std::size_t size = usable(t, &bottom);
  sanitizer::leave_scheduler(w.sanitizer_state, t->tsan_fiber, bottom, size);
  w.leaving = nullptr;  // the arriving thread comes from the scheduler
  boost::context::fiber from = std::move(t->context).resume();
  sanitizer::back_in_scheduler(w.sanitizer_state);
  return from;
}

void switch_away(worker& w, thread_control* self, thread_control* next) {
  w.leaving = self;
  leave_for(w, &self->asan_fake_stack, next);
  boost::context::fiber from =
      next ? std::move(next->context).resume() : std::move(w.scheduler_context).resume();
  // Resumed, maybe by another worker: `w` is stale from here on.
  arrive(*current_worker(), self, std::move(from));
}

void arrive(worker& w, thread_control* self, boost::context::fiber&& from) {
  thread_control* prev = w.leaving;
  sanitizer::arrived_in_thread(w.sanitizer_state, self->asan_fake_stack, prev == nullptr);
  if (prev) {
    // Directly from another thread: its context is saved now (from); do what it asked.
    w.leaving = nullptr;
    prev->context = std::move(from);
    w.after_switch_out(prev);
  } else {
    w.scheduler_context = std::move(from);  // from the scheduler
  }
}

}  // namespace hybrid::detail
