// hybrid/src/context.cpp — the only file that switches stacks (Boost.Context's fcontext).
//
// A thread that stops (park, yield, exit) picks the next thread of its worker itself and jumps
// straight to it — one jump per switch; only when nothing is ready does it jump to its
// carrier's own stack (the kernel thread's, where the worker loop runs), which searches and
// sleeps:
//
//   thread A ──switch_away(A, B)──▶ thread B: arrive() saves A's context, does A's pending action
//   thread A ──switch_away(A, -)──▶ scheduler: run_thread() saves A's context, does its action
//   scheduler ──resume(B)─────────▶ thread B: arrive() keeps the scheduler's context
//
// Whoever arrives first saves the context of the thread that left (Boost hands it over as the
// `from` context) and only then performs that thread's pending action ("release this spinlock",
// "join that thread"), which may make it visible to other workers. So a thread can never be
// resumed elsewhere while it is still running: the hand-shake that makes cross-worker wake-ups
// safe; see scheduler.cpp, "Migration".
//
// The switch itself is Boost.Context's fcontext layer (make_fcontext, jump_fcontext: the
// assembly under boost::context::fiber, declared in boost/context/detail/fcontext.hpp), used
// directly. boost::context::fiber adds, per thread, a round trip at creation (to hand the
// new stack its record), an ontop_fcontext call at exit (to destroy that record) and an
// ownership check per switch: about 85 of the ~670 instructions of a spawn + run + join
// (callgrind, the spawn_join workload at --workers 1). Our threads need none of it: a thread's
// first jump carries its control block, its last jump never comes back, and its stack belongs to
// the pool. The price: we rely on a Boost interface in a detail namespace (stable since 1.61, the
// one boost::context::fiber itself is built on, and the floor we measure against).
//
// In sanitizer builds this file is compiled without -fsanitize=thread/address (CMakeLists):
// a new thread's first frame runs on a stack the sanitizer has not yet been told about.
#include <boost/context/detail/fcontext.hpp>

#include "sanitizer.hpp"
#include "worker.hpp"

namespace hybrid::detail {

namespace fctx = boost::context::detail;

namespace {
// usable(t, bottom) — the bytes of t's stack that frames may use (for ASan).
std::size_t usable(thread_control* t, const char** bottom) noexcept {
  *bottom = t->stack_base + t->guard_size;
  return static_cast<std::size_t>(t->usable_top() - *bottom);
}

// leave_for(c, self_fake_stack, next) — announce the switch from the running thread to `next`
// (or to c's own stack when next is nullptr).
void leave_for(carrier& c, void** self_fake_stack, thread_control* next) noexcept {
  if (next) {
    const char* bottom;
    std::size_t size = usable(next, &bottom);
    sanitizer::leave_thread_for(self_fake_stack, next->tsan_fiber, bottom, size);
  } else {
    sanitizer::leave_thread(c.sanitizer_state, self_fake_stack);
  }
}

// jump_to(c, next) — switch to next's saved context, or to c's own stack when next is nullptr.
// Every jump carries its target's control block: the first jump into a thread is how
// thread_main learns which thread it is. Returns the context of whatever jumps back here.
fctx::fcontext_t jump_to(carrier& c, thread_control* next) noexcept {
  fctx::fcontext_t to = next ? next->context : c.native;
  return fctx::jump_fcontext(to, next).fctx;
}

// thread_main(from) — the first frame of every green thread (made by create_context, entered
// by the first jump to it, from.data = its control block). It never returns: its last jump
// leaves the stack for good, and whoever arrives finishes the thread (after_switch_out).
[[noreturn]] void thread_main(fctx::transfer_t from) noexcept {
  auto* t = static_cast<thread_control*>(from.data);
  arrive(*current_carrier(), t, from.fctx);
  run_thread_function(t);       // leaves the runtime for the function's user code, in thread.cpp
  worker* w = enter_runtime();  // the thread may have migrated, or lost its worker meanwhile
  carrier& c = w->carrier_of_this();
  c.pending = pending_action{w->prepare_exit(t), nullptr, {}};
  c.leaving = t;
  thread_control* next = w->choose_next();
  leave_for(c, nullptr, next);
  jump_to(c, next);
  __builtin_unreachable();  // nobody jumps back to a finished thread
}
}  // namespace

void create_context(thread_control* t) {
  // The function object sits between fn_storage and the control block; frames start below it.
  char* sp = static_cast<char*>(t->fn_storage);
  auto size = static_cast<std::size_t>(sp - (t->stack_base + t->guard_size));
  t->context = fctx::make_fcontext(sp, size, &thread_main);
  sanitizer::fiber_created(&t->tsan_fiber);
}

fctx::fcontext_t resume(carrier& c, thread_control* t) {
  const char* bottom;
  std::size_t size = usable(t, &bottom);
  sanitizer::leave_scheduler(c.sanitizer_state, t->tsan_fiber, bottom, size);
  c.leaving = nullptr;  // the arriving thread comes from the carrier's own stack
  fctx::fcontext_t from = fctx::jump_fcontext(t->context, t).fctx;
  sanitizer::back_in_scheduler(c.sanitizer_state);
  return from;
}

void switch_away(carrier& c, thread_control* self, thread_control* next) {
  c.leaving = self;
  leave_for(c, &self->asan_fake_stack, next);
  fctx::fcontext_t from = jump_to(c, next);
  // Resumed, maybe on another carrier: `c` is stale from here on.
  arrive(*current_carrier(), self, from);
}

void arrive(carrier& c, thread_control* self, fctx::fcontext_t from) {
  thread_control* prev = c.leaving;
  sanitizer::arrived_in_thread(c.sanitizer_state, self->asan_fake_stack, prev == nullptr);
  if (prev) {
    // Directly from another thread: its context is saved now (from); do what it asked. (A
    // thread leaving for another thread never comes from a carrier that lost its worker: that
    // one goes to its own stack.)
    c.leaving = nullptr;
    prev->context = from;
    c.held->after_switch_out(prev);
  } else {
    c.native = from;  // from the carrier's own stack
  }
}

}  // namespace hybrid::detail
