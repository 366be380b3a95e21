// coroutines/src/scheduler.hpp — what the workers share: the injection queue, the idle list with
// the searching and sleeping counts, and stopping (scheduler.cpp has
// the design essay and the parking protocol).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <coroutines/observer.hpp>
#include <coroutines/runtime.hpp>

#include "injection_queue.hpp"
#include "poller.hpp"
#include "worker.hpp"

namespace coroutines::detail {

class scheduler {
 public:
  explicit scheduler(const options& o);
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  // run(start, context) — start the workers, call start(context) on worker 0 (the caller), run
  // until every thread has ended, stop. Throws deadlock_error.
  stats run(void (*start)(void*), void* context);

  // running() — the scheduler of the run in progress, or nullptr.
  static scheduler* running() noexcept;

  // inject(t) — queue t in the injection queue and wake a worker for it (N1-N5).
  void inject(thread_control* first, thread_control* last, std::size_t n);
  // notify_work() — after publishing work (N1): wake a sleeping worker unless one searches.
  void notify_work() noexcept;
  // try_start_searching() — count the caller searching if fewer than half of the workers are.
  bool try_start_searching() noexcept;
  // stop_searching(w, more) — w found work; `more`: it saw more than it took, and if it was the
  // last searcher it wakes another to look.
  void stop_searching(worker& w, bool more) noexcept;
  // park_worker(w) — P1-P5: w found nothing; sleep until work, a timer or the end.
  void park_worker(worker& w);

  bool stopping() const noexcept {
    // acquire: pairs with stop()'s release; the run's last effects are visible.
    return stopping_.load(std::memory_order_acquire);
  }
  // report(t, state) — set t's state and tell the observer, if any. Inline: it runs at every
  // spawn, resumption and end, and without an observer it is one store and one test.
  void report(thread_control* t, thread_state state, const worker* by) const noexcept {
    t->state = state;
    if constexpr (hooks_compiled) {
      if (observer_ != nullptr) [[unlikely]]
        notify_observer(t, state, by);
    }
  }

  poller io;  // the netpoller (poller.hpp): every socket of the run is registered here
  injection_queue injection;
  std::vector<std::unique_ptr<worker>> workers;

 private:
  // work_visible() — P4: a thread in some local queue or the injection queue.
  bool work_visible() const noexcept;
  // leave_idle(w) — w is awake: out of the idle list, or counted searching by its waker.
  void leave_idle(worker& w);
  // notify_observer(t, state, by) — report's call of the observer, out of line.
  void notify_observer(thread_control* t, thread_state state, const worker* by) const noexcept;
  // stop() — end the run: every worker leaves its loop.
  void stop() noexcept;

  coroutines::observer* const observer_;
  std::atomic<bool> stopping_{false};
  std::atomic<unsigned> searching_{0};
  std::atomic<unsigned> sleeping_{0};
  std::mutex idle_mutex_;
  std::vector<worker*> idle_;   // under idle_mutex_
  std::size_t deadlocked_ = 0;  // threads left when every worker settled for good; idle_mutex_
};

// store_load_fence() — the StoreLoad barrier of the parking protocol (N2, P3).
void store_load_fence() noexcept;

}  // namespace coroutines::detail
