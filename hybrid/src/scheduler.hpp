// hybrid/src/scheduler.hpp — the state shared by all workers of one run (Tokio's Shared, Go's
// sched): the workers, the injection queue, the stack pool and the idle/searching bookkeeping
// of the parking protocol. The protocol itself is described at the top of scheduler.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <hybrid/runtime.hpp>

#include "carrier.hpp"
#include "injection_queue.hpp"
#include "monitor.hpp"
#include "os_mutex.hpp"
#include "poller.hpp"
#include "stack_pool.hpp"
#include "worker.hpp"

namespace hybrid::detail {

class scheduler {
 public:
  explicit scheduler(const options& o);
  ~scheduler();

  // running_world() — the scheduler of the run in progress, or nullptr (published by the
  // constructor, retracted by the destructor). describe_threads() — see hybrid::describe_threads.
  static scheduler* running_world() noexcept;
  std::string describe_threads();

  // run(invoke, body) — the whole life of a run: invoke(body) as the first thread; see
  // hybrid::run. Precondition: on the kernel thread that becomes worker 0, once.
  stats run(void (*invoke)(void*), void* body);

  unsigned worker_count() const noexcept { return static_cast<unsigned>(workers_.size()); }
  worker& worker_at(unsigned i) noexcept { return *workers_[i]; }
  hybrid::observer* observer() const noexcept { return observer_; }
  bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }
  // has_sleepers() — a relaxed look: is some worker asleep (in the idle list)? A hint only.
  bool has_sleepers() const noexcept { return sleeping_.load(std::memory_order_relaxed) != 0; }

  injection_queue injection;
  stack_pool stacks;
  poller io;  // the netpoller (poller.hpp): every socket of the run is registered here
  // io_backend_in_use() — options::io: epoll (the netpoller) or io_uring (a ring per worker).
  io_backend io_backend_in_use() const noexcept { return io_backend_; }

  // ---- carriers and the hand-off (carrier.hpp, monitor.hpp) ---------------------------------
  // reserve_spare() — a parked spare carrier, or a new one (its kernel thread started, waiting
  // to be given a worker); nullptr at options::max_spare_carriers or when no thread can be
  // created. The caller gives it a worker (give_to_spare) or returns it (return_spare).
  carrier* reserve_spare();
  void return_spare(carrier* c);
  // give_to_spare(c, w) — c carries w from now on. Precondition: w's previous carrier no longer
  // touches it (its claim says taken).
  void give_to_spare(carrier& c, worker& w) noexcept;
  // count_carried_off() — one more thread runs on a carrier without a worker (handed off); a run
  // is not over while any does. migrate(t, index) — such a thread is back: queue it for the
  // workers (index: the worker it last ran on, for reports) and count it back.
  void count_carried_off() noexcept { carried_off_.fetch_add(1, std::memory_order_seq_cst); }
  void migrate(thread_control* t, unsigned index);
  // monitor_may_sleep() — true when every worker is idle: the monitor may sleep until
  // wake_monitor (called when a worker leaves the idle list).
  bool monitor_may_sleep();
  // give_thread_to_spare(c, t, index) — c runs t, which called blocking(fn), without a worker
  // (carrier::carry_alone); index: the worker t leaves, for reports. Precondition: t's context
  // is saved, and t was counted (count_carried_off).
  void give_thread_to_spare(carrier& c, thread_control* t, unsigned index) noexcept;
  // blocking_moves — blocking(fn) calls that ran on a spare carrier, for stats (any thread adds).
  std::atomic<std::uint64_t> blocking_moves{0};
  // unparks, migrations — workers woken by wake_one, and threads queued by migrate: for stats
  // (rare events, each beside a futex call or a mutex: a shared counter costs nothing there).
  std::atomic<std::uint64_t> unparks{0}, migrations{0};

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
  friend void publish_debug_table(const scheduler& s) noexcept;  // reads field offsets
  void wake_one() noexcept;
  void finish_run_locked() HYBRID_REQUIRES(idle_mutex_);  // every worker is idle forever
  // run_is_over_locked() — every worker idle forever and no thread left to come back to them
  // (enter_idle, and migrate for the last thread back from a spare).
  bool run_is_over_locked() HYBRID_REQUIRES(idle_mutex_);
  // note_leaving_idle_locked() — a worker leaves the idle list: the monitor, if asleep, must
  // look again (returns true: call wake_monitor() after unlocking).
  bool note_leaving_idle_locked() HYBRID_REQUIRES(idle_mutex_);
  void wake_monitor() noexcept;
  // wake_timed_sleepers_locked() — every worker is idle, some only until a timer: wake those,
  // so that they look again (their timers may be stale I/O deadlines of threads that are gone).
  void wake_timed_sleepers_locked() HYBRID_REQUIRES(idle_mutex_);

  std::vector<std::unique_ptr<worker>> workers_;
  std::vector<std::unique_ptr<carrier>> carriers_;  // one per worker, carrier i starts with it
  os_mutex spare_mutex_;
  std::vector<std::unique_ptr<carrier>> spare_carriers_ HYBRID_GUARDED_BY(spare_mutex_);
  std::vector<std::thread> spare_threads_ HYBRID_GUARDED_BY(spare_mutex_);
  std::vector<carrier*> parked_spares_ HYBRID_GUARDED_BY(spare_mutex_);
  const unsigned max_spares_;
  const io_backend io_backend_;
  std::atomic<std::uint32_t> carried_off_{0};  // threads on carriers without a worker
  std::unique_ptr<monitor> monitor_;           // none when options::monitor_period is zero
  hybrid::observer* observer_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint32_t> searching_{0};
  std::atomic<std::uint32_t> sleeping_{0};
  os_mutex idle_mutex_;
  std::vector<worker*> idle_ HYBRID_GUARDED_BY(idle_mutex_);
  unsigned idle_forever_ HYBRID_GUARDED_BY(idle_mutex_) = 0;
  bool monitor_asleep_ HYBRID_GUARDED_BY(idle_mutex_) = false;
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
