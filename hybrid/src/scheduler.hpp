// hybrid/src/scheduler.hpp — the state shared by all workers of one run (Tokio's Shared, Go's
// sched): the workers, the injection queue, the stack pool and the idle/searching bookkeeping
// of the parking protocol. The protocol itself is described at the top of scheduler.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <hybrid/runtime.hpp>

#include "injection_queue.hpp"
#include "os_mutex.hpp"
#include "poller.hpp"
#include "stack_pool.hpp"
#include "worker.hpp"

namespace hybrid::detail {

class scheduler {
 public:
  explicit scheduler(const options& o);
  ~scheduler();

  // run(invoke, body) — the whole life of a run: invoke(body) as the first thread; see
  // hybrid::run. Precondition: on the kernel thread that becomes worker 0, once.
  stats run(void (*invoke)(void*), void* body);

  unsigned worker_count() const noexcept { return static_cast<unsigned>(workers_.size()); }
  worker& worker_at(unsigned i) noexcept { return *workers_[i]; }
  hybrid::observer* observer() const noexcept { return observer_; }
  bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }

  injection_queue injection;
  stack_pool stacks;
  poller io;  // the netpoller (poller.hpp): every socket of the run is registered here

  // ---- the parking protocol (numbered steps in scheduler.cpp) ------------------------------
  // notify_work() — new stealable work was published: wake a sleeping worker unless one is
  // already searching. Any worker.
  void notify_work() noexcept;
  // try_begin_search() — become a searching worker, unless half the workers already search.
  bool try_begin_search() noexcept;
  // end_search() — a searching worker stops searching; returns true if it was the last one.
  bool end_search() noexcept;
  // enter_idle(w, forever) — w is about to sleep (forever: no timer pending). Returns false
  // when this made every worker idle forever: the run is over (shutdown or deadlock), and
  // stopping() is now true.
  bool enter_idle(worker& w, bool forever);
  // leave_idle(w) — w wakes on its own (timer, or work seen in the re-check) and is counted as
  // searching. Returns false if a notifier already took w out of the idle list (it counted w
  // as searching and will unpark it).
  bool leave_idle(worker& w);
  // work_visible() — the re-check: is any stealable work visible anywhere?
  bool work_visible() noexcept;

 private:
  void wake_one() noexcept;
  void finish_run_locked() HYBRID_REQUIRES(idle_mutex_);  // every worker is idle forever
  // wake_timed_sleepers_locked() — every worker is idle, some only until a timer: wake those,
  // so that they look again (their timers may be stale I/O deadlines of threads that are gone).
  void wake_timed_sleepers_locked() HYBRID_REQUIRES(idle_mutex_);

  std::vector<std::unique_ptr<worker>> workers_;
  hybrid::observer* observer_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint32_t> searching_{0};
  std::atomic<std::uint32_t> sleeping_{0};
  os_mutex idle_mutex_;
  std::vector<worker*> idle_ HYBRID_GUARDED_BY(idle_mutex_);
  unsigned idle_forever_ HYBRID_GUARDED_BY(idle_mutex_) = 0;
  // deadlock_report_, deadlocked_ — written under idle_mutex_ by the last worker to go idle,
  // read by run() after every worker's kernel thread has been joined (which orders the two).
  std::string deadlock_report_;
  std::size_t deadlocked_ = 0;
};

// store_load_fence() — a full (seq_cst) fence: the StoreLoad points of the parking protocol.
// ThreadSanitizer does not model standalone fences, so under it the same barrier is made of a
// seq_cst read-modify-write on a dummy atomic (still a full barrier on x86).
void store_load_fence() noexcept;

}  // namespace hybrid::detail
