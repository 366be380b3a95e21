// coroutines/detail/spinlock.hpp — the lock of every wait list (mutex, condition, channel) and
// timer heap. Held for a few instructions and never across a suspension, so spinning beats a
// kernel lock; after a while it gives the core away in case the holder was preempted.
#pragma once

#include <atomic>
#include <thread>

namespace coroutines::detail {

class spinlock {
 public:
  void lock() noexcept {
    for (unsigned spins = 0;; ++spins) {
      // acquire: pairs with the release store in unlock(); the holder's writes are visible.
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins > 64) std::this_thread::yield();
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
      }
    }
  }
  bool try_lock() noexcept {
    // acquire: as in lock().
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  // unlock() — release: pairs with the acquire exchange of the next lock().
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace coroutines::detail
