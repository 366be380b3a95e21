// hybrid/src/os_mutex.hpp — the kernel mutex the scheduler's shared, rarely touched state uses
// (the injection queue, the idle list, the stack pool), annotated for clang's thread-safety
// analysis (detail/thread_safety.hpp): std::mutex in libstdc++ is not.
//
// A kernel mutex is right for these because the holder never switches green threads while
// holding it (a park under it would block the worker's kernel thread), and wrong for a
// primitive's wait list, which must be released by whichever kernel thread resumes after the
// switch: that is detail::spinlock.
#pragma once

#include <mutex>

#include <hybrid/detail/thread_safety.hpp>

namespace hybrid::detail {

// os_mutex — std::mutex as a capability.
class HYBRID_CAPABILITY("mutex") os_mutex {
 public:
  void lock() HYBRID_ACQUIRE() { native_.lock(); }
  void unlock() HYBRID_RELEASE() { native_.unlock(); }

 private:
  std::mutex native_;
};

// os_lock — holds an os_mutex for its scope (std::lock_guard, visible to the analysis).
class HYBRID_SCOPED_CAPABILITY os_lock {
 public:
  explicit os_lock(os_mutex& m) HYBRID_ACQUIRE(m) : m_(m) { m_.lock(); }
  ~os_lock() HYBRID_RELEASE() { m_.unlock(); }
  os_lock(const os_lock&) = delete;
  os_lock& operator=(const os_lock&) = delete;

 private:
  os_mutex& m_;
};

}  // namespace hybrid::detail
