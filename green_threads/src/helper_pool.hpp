// green_threads/src/helper_pool.hpp — the kernel threads that run blocking(fn) calls for one
// world (green_threads/blocking.hpp).
//
// A plain pool: a FIFO of jobs under a std::mutex, helpers waiting on a std::condition_variable.
// Helpers are created on demand, one more whenever a job arrives and none is idle, up to
// `limit`; they live until the world ends, when the destructor stops and joins them. Each job
// carries a Boost.Fiber promise: the helper fulfils it from outside the world, which readies the
// waiting fiber through its scheduler's remote-ready path (a wake-up the polling scheduler
// receives as notify(), interrupting its epoll_wait).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/fiber/future/promise.hpp>

namespace green_threads::detail {

class helper_pool {
 public:
  // helper_pool(limit) — at most `limit` helper threads (at least 1).
  explicit helper_pool(unsigned limit) noexcept : limit_(limit == 0 ? 1 : limit) {}
  ~helper_pool();  // stops and joins every helper; precondition: no job is pending
  helper_pool(const helper_pool&) = delete;
  helper_pool& operator=(const helper_pool&) = delete;

  // run(call, state) — call(state) on a helper; parks the calling fiber until it has returned.
  // Throws std::system_error when no helper exists and none can be created.
  void run(void (*call)(void*) noexcept, void* state);

  // helpers() — how many helper threads exist now.
  std::size_t helpers() const;

 private:
  struct job {
    void (*call)(void*) noexcept;
    void* state;
    // done — shared with the waiting fiber: the helper keeps it alive until set_value has
    // returned, since the fiber may wake and leave while set_value is still unlocking.
    std::shared_ptr<boost::fibers::promise<void>> done;
  };
  void serve();  // a helper's loop

  const unsigned limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;      // a job arrived, or stopping_
  std::deque<job> jobs_;              // guarded by mutex_
  std::vector<std::thread> threads_;  // guarded by mutex_
  unsigned idle_ = 0;                 // helpers waiting for a job; guarded by mutex_
  bool stopping_ = false;             // guarded by mutex_
};

}  // namespace green_threads::detail
