// hybrid/src/sanitizer.hpp — telling AddressSanitizer and ThreadSanitizer about fiber switches.
//
// Debian's Boost.Context is built on fcontext, which has no sanitizer hooks, so the scheduler
// announces every switch itself (only in builds configured with THREADLAB_SANITIZE_FIBERS,
// which defines HYBRID_SANITIZE_FIBERS_ADDRESS or _THREAD; ordinary builds compile all of this
// to nothing):
//   ASan: __sanitizer_start_switch_fiber before a switch (with the target stack's bounds, which
//         come from our stack pool) and __sanitizer_finish_switch_fiber after arriving;
//   TSan: one TSan fiber per green thread (__tsan_create_fiber / __tsan_destroy_fiber) and
//         __tsan_switch_to_fiber before each switch.
// All switch points are in context.cpp: scheduler → thread (resume), thread → thread and
// thread → scheduler (park, yield, exit), a thread's arrival, and the scheduler's return.
#pragma once

#include <cstddef>

// Which sanitizer is named by the build (CMakeLists.txt), not detected from the compiler's
// flags: context.cpp itself is compiled without instrumentation, yet must announce switches.
#if defined(HYBRID_SANITIZE_FIBERS_ADDRESS)
#define HYBRID_ASAN_FIBERS 1
#endif
#if defined(HYBRID_SANITIZE_FIBERS_THREAD)
#define HYBRID_TSAN_FIBERS 1
#endif

#if defined(HYBRID_ASAN_FIBERS)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(HYBRID_TSAN_FIBERS)
#include <sanitizer/tsan_interface.h>
#endif

namespace hybrid::detail::sanitizer {

// scheduler_side — what a worker's scheduler context must remember about itself.
struct scheduler_side {
  void* tsan_fiber = nullptr;          // the worker's own TSan fiber
  void* fake_stack = nullptr;          // ASan's fake stack of the scheduler context
  const void* stack_bottom = nullptr;  // the kernel thread's stack, learnt on first arrival
  std::size_t stack_size = 0;
};

// worker_started(s) — on the worker's kernel thread, before any switch.
inline void worker_started([[maybe_unused]] scheduler_side& s) noexcept {
#if defined(HYBRID_TSAN_FIBERS)
  s.tsan_fiber = __tsan_get_current_fiber();
#endif
}

// fiber_created(tsan_fiber) — a new green thread's context exists.
inline void fiber_created([[maybe_unused]] void** tsan_fiber) noexcept {
#if defined(HYBRID_TSAN_FIBERS)
  *tsan_fiber = __tsan_create_fiber(0);
#endif
}

// fiber_destroyed(tsan_fiber) — the thread terminated; called by whatever ran next on its
// worker (never by the thread itself).
inline void fiber_destroyed([[maybe_unused]] void** tsan_fiber) noexcept {
#if defined(HYBRID_TSAN_FIBERS)
  if (*tsan_fiber) __tsan_destroy_fiber(*tsan_fiber);
  *tsan_fiber = nullptr;
#endif
}

// leave_scheduler(s, tsan_fiber, bottom, size) — the scheduler is about to resume a thread whose
// usable stack is [bottom, bottom + size).
inline void leave_scheduler([[maybe_unused]] scheduler_side& s, [[maybe_unused]] void* tsan_fiber,
                            [[maybe_unused]] const void* bottom,
                            [[maybe_unused]] std::size_t size) noexcept {
#if defined(HYBRID_ASAN_FIBERS)
  __sanitizer_start_switch_fiber(&s.fake_stack, bottom, size);
#endif
#if defined(HYBRID_TSAN_FIBERS)
  __tsan_switch_to_fiber(tsan_fiber, 0);
#endif
}

// back_in_scheduler(s) — the thread switched back to the scheduler.
inline void back_in_scheduler([[maybe_unused]] scheduler_side& s) noexcept {
#if defined(HYBRID_ASAN_FIBERS)
  __sanitizer_finish_switch_fiber(s.fake_stack, nullptr, nullptr);
#endif
}

// arrived_in_thread(s, fake_stack, from_scheduler) — a thread starts or resumes; when it came
// from the scheduler, this is how we learn the scheduler's (kernel thread's) stack bounds.
inline void arrived_in_thread([[maybe_unused]] scheduler_side& s, [[maybe_unused]] void* fake_stack,
                              [[maybe_unused]] bool from_scheduler) noexcept {
#if defined(HYBRID_ASAN_FIBERS)
  const void* bottom = nullptr;
  std::size_t size = 0;
  __sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
  if (from_scheduler) {
    s.stack_bottom = bottom;
    s.stack_size = size;
  }
#endif
}

// leave_thread_for(fake_stack, tsan_fiber, bottom, size) — a thread switches directly to
// another thread whose usable stack is [bottom, bottom + size); fake_stack is nullptr when the
// leaving thread terminates.
inline void leave_thread_for([[maybe_unused]] void** fake_stack, [[maybe_unused]] void* tsan_fiber,
                             [[maybe_unused]] const void* bottom,
                             [[maybe_unused]] std::size_t size) noexcept {
#if defined(HYBRID_ASAN_FIBERS)
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#endif
#if defined(HYBRID_TSAN_FIBERS)
  __tsan_switch_to_fiber(tsan_fiber, 0);
#endif
}

// leave_thread(s, fake_stack) — a thread switches back to the scheduler; fake_stack is nullptr
// when the thread terminates (ASan then frees its fake stack).
inline void leave_thread([[maybe_unused]] scheduler_side& s,
                         [[maybe_unused]] void** fake_stack) noexcept {
#if defined(HYBRID_ASAN_FIBERS)
  __sanitizer_start_switch_fiber(fake_stack, s.stack_bottom, s.stack_size);
#endif
#if defined(HYBRID_TSAN_FIBERS)
  __tsan_switch_to_fiber(s.tsan_fiber, 0);
#endif
}

}  // namespace hybrid::detail::sanitizer
