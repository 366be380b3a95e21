// hybrid/detail/spinlock.hpp — the tiny lock that guards each primitive's wait list.
//
// Critical sections under it are a few dozen instructions, plus one context switch when a
// thread parks (the worker releases the lock once the thread's context is saved; see
// detail/park.hpp). A kernel mutex would be wrong here: it may be released by a different
// kernel thread than the one that took it. After a short spin the waiter yields its core, so a
// holder preempted by the kernel does not make the waiter burn a whole time slice.
#pragma once

#include <atomic>

#include "thread_safety.hpp"

namespace hybrid::detail {

// spin_pause() — a hint to the core that we are spinning (PAUSE on x86). Not named
// cpu_relax: Boost.Fiber defines a macro of that name.
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// yield_core() — give the core to another kernel thread (sched_yield).
void yield_core() noexcept;

// spinlock — test-and-test-and-set lock. Any kernel thread may unlock it, not only the one
// that locked it.
class HYBRID_CAPABILITY("spinlock") spinlock {
 public:
  // lock() — acquire; spins, then yields the core between attempts.
  void lock() noexcept HYBRID_ACQUIRE() {
    // acquire: pairs with the release in unlock(); the previous holder's writes are visible.
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    lock_slow();
  }
  // try_lock() — acquire if free, without waiting.
  bool try_lock() noexcept HYBRID_TRY_ACQUIRE(true) {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  // unlock() — release. Precondition: locked (by anyone).
  void unlock() noexcept HYBRID_RELEASE() {
    // release: publishes the critical section; pairs with the acquire exchange in lock().
    locked_.store(false, std::memory_order_release);
  }

 private:
  void lock_slow() noexcept {
    for (unsigned spins = 0;; ++spins) {
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 128) {
          spin_pause();
        } else {
          yield_core();
          spins = 0;
        }
      }
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
    }
  }

  std::atomic<bool> locked_{false};
};

}  // namespace hybrid::detail
