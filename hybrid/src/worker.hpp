// hybrid/src/worker.hpp — one worker (Go's P; Tokio's worker with its Core), carried by one
// kernel thread at a time (carrier.hpp: Go's M).
//
// The worker's private core is touched only by the kernel thread carrying it (by its scheduler
// context or by whichever green thread runs there): the LIFO slot, the FIFO list, the timer
// heap, the stack cache, the owner handle of the local queue and the tick counters. Normally one
// carrier carries it for the whole run; the monitor may move it to another carrier (the hand-off
// protocol of carrier.hpp decides when that is safe), which then owns all of it. What other
// workers may touch is grouped under "shared" below: the stealer handle, the parker, and the
// idle-list fields (guarded by scheduler::idle_mutex_). The worker loop is in worker.cpp and
// reads as prose: find work, run it, do what the thread asked on its way out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/context/detail/fcontext.hpp>

#include "carrier.hpp"
#include "owner_check.hpp"
#include "parker.hpp"
#include "poller.hpp"
#include "ring.hpp"
#include "run_queue.hpp"
#include "sanitizer.hpp"
#include "stack_pool.hpp"
#include "thread_control.hpp"
#include "timer_heap.hpp"

#include <hybrid/runtime.hpp>
#include <hybrid/scheduler.hpp>

namespace hybrid::detail {

class scheduler;
using local_queue = run_queue<hybrid::local_queue_capacity>;

// relaxed_counter — a statistic written only by its owner worker and read by anyone.
struct relaxed_counter {
  std::atomic<std::uint64_t> value{0};
  void bump() noexcept {
    value.store(value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void add(std::uint64_t n) noexcept {
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

class worker {
 public:
  // worker(s, index, workers, io) — worker `index` of `workers`; with io_backend::io_uring, the
  // worker has a ring (ring.hpp); throws std::system_error when the kernel refuses one.
  worker(scheduler& s, unsigned index, unsigned workers, io_backend io);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // attach(c) — c carries this worker from now on (its kernel thread owns the private core).
  // Precondition: on c's kernel thread; the previous carrier, if any, no longer touches it.
  void attach(carrier& c) noexcept;
  // run() — the worker loop, on its carrier's stack: returns true at shutdown, false when the
  // carrier lost the worker (the thread that was running came back with after_switch::migrate).
  bool run();

  // ---- called by the green thread running on this worker (its kernel thread) --------------
  // park_current(kind, object[, deadline]) — switch the running thread out (straight to the
  // next ready thread here, or to the scheduler); the pending action {kind, object, deadline} is
  // performed once the thread's context is saved. Returns when the thread is resumed —
  // possibly on ANOTHER worker, so the caller must not use this worker afterwards (call
  // current_worker() again). Only timed kinds (sleep, io_wait) need a deadline: the others
  // leave the carrier's stale one, which nobody reads (two stores per park, not three).
  void park_current(after_switch kind, void* object);
  void park_current(after_switch kind, void* object,
                    std::chrono::steady_clock::time_point deadline);
  // make_ready(t) — t becomes ready in this worker's LIFO slot (it runs next here); the
  // slot's previous occupant moves to the local queue. Thread or scheduler context.
  void make_ready(thread_control* t) noexcept;
  // schedule_new(t) — a freshly spawned t joins the local queue (LIFO end, stealable).
  void schedule_new(thread_control* t) noexcept;
  // alone() — true when nothing else could run on this worker now: the LIFO slot, local
  // queue, FIFO list and injection queue are empty and no timer is pending. Then yield() has
  // nobody to let run and returns at once, and a contended mutex::lock may spin. Thread
  // context only.
  bool alone() const noexcept {
    // The local queue first: when threads yield to each other it is never empty.
    return local_.size() == 0 && lifo_ == nullptr && fifo_head_ == nullptr && timers_.empty() &&
           sched_injection_empty();
  }
  // recycle(t) — t terminated and was joined or detached: its stack goes back to the pool.
  void recycle(thread_control* t) noexcept;
  // next_thread_id() — a run-unique id without shared atomics: index + workers * n.
  std::uint64_t next_thread_id() noexcept;

  thread_control* current() const noexcept { return carrier_->current; }
  // carried_by() — the carrier carrying this worker now, or nullptr while the monitor hands it
  // to a spare. Any thread (the monitor reads it).
  carrier* carried_by() const noexcept {
    return monitored_carrier_.load(std::memory_order_acquire);
  }
  // in_transit() — the monitor took this worker from its carrier: carried by no one until the
  // spare it goes to attaches it. Without this, a monitor looking again before the spare runs
  // (a descheduled spare on a loaded machine) saw the old carrier still named, in user code in
  // a thread of its next worker, and took this worker a second time: two carriers ran it, and
  // the old carrier's new worker was lost. Monitor only, before give_to_spare; relaxed: that
  // call's release orders it before the spare's attach().
  void in_transit() noexcept { monitored_carrier_.store(nullptr, std::memory_order_relaxed); }
  // io_ring() — this worker's io_uring (options::io == io_uring), else nullptr. Owner only.
  ring* io_ring() noexcept { return ring_.get(); }
  // reap_ring() — the completions posted on this worker's ring: their threads become ready.
  // Owner only (its scheduler loop, or a thread running on it).
  void reap_ring();
  unsigned index() const noexcept { return index_; }
  scheduler& sched() noexcept { return sched_; }
  stack_cache& stacks() noexcept { return stack_cache_; }
  // observe(t, s) — t entered state s. t->state is always written (the scheduler's own record,
  // read by the deadlock report); the report to the observer is the trace hook: one
  // well-predicted branch on observer_ when none is installed, nothing at all when built with
  // THREADLAB_TRACE_HOOKS=0. Precondition: on this worker's kernel thread, t held by it.
  void observe(thread_control* t, thread_state s) noexcept {
    t->state = s;
    if constexpr (hooks_compiled) {
      if (observer_ != nullptr) [[unlikely]]
        report(t, s);
    }
  }

  // ---- shared: other workers may use these ------------------------------------------------
  local_queue::stealer stealer() noexcept { return queue_.stealer_handle(); }
  parker& parking() noexcept { return parker_; }
  bool in_idle_list = false;  // guarded by scheduler::idle_mutex_
  bool idle_forever = false;  // guarded by scheduler::idle_mutex_: idle with no timer pending
  // The run's counters (hybrid::stats), this worker's share: written by the owner only, summed
  // when the run ends (and read, for spawned and exited, by the deadlock check when all idle).
  relaxed_counter spawned, exited, steals, stolen, lifo_runs, parks, local_pushes, injection_pushes,
      timer_fires, empty_wakeups;
  // dispatches() — how many times this worker has picked a thread to run (a thief's measure of
  // its progress: worth_stealing). Any worker.
  std::uint64_t dispatches() const noexcept { return dispatches_.load(std::memory_order_relaxed); }
  // note_dispatch() — count a scheduling point that picked no thread (a yield with nobody to let
  // run) as progress, for the monitor. Owner only.
  void note_dispatch() noexcept { dispatches_.store(++tick_, std::memory_order_relaxed); }

  // ---- the context switch (context.cpp); the carrier's kernel thread only -----------------
  // choose_next() — the thread to switch to directly, now marked running, or nullptr (then
  // switch to the scheduler). Never blocks. Thread context, on this worker.
  thread_control* choose_next() noexcept;
  // prepare_exit(t) — t's function returned; returns the pending action for its last switch.
  after_switch prepare_exit(thread_control* t) noexcept;
  // after_switch_out(t) — t's context is saved: perform the carrier's `pending` for it.
  void after_switch_out(thread_control* t);
  // carrier_of_this() — the carrier running this worker's code now (this kernel thread's).
  carrier& carrier_of_this() const noexcept { return *carrier_; }

 private:
  friend void publish_debug_table(const scheduler& s) noexcept;  // reads field offsets
  thread_control* find_work();
  thread_control* pick_local() noexcept;
  thread_control* pick_for_fairness() noexcept;
  thread_control* pick_queued() noexcept;
  thread_control* search();
  // worth_stealing(victim) — once per search round: is victim's queue not draining by itself?
  bool worth_stealing(unsigned victim) noexcept;
  void park_worker();
  bool take_blocking_poll() noexcept;
  // run_thread(t) — run t from the carrier's stack; false when the carrier lost the worker.
  bool run_thread(thread_control* t);
  void finish_thread(thread_control* t, bool joiner_served) noexcept;
  void add_timer(std::chrono::steady_clock::time_point deadline, thread_control* t);
  void push_local(thread_control* t, bool notify) noexcept;
  // overflow_to_injection(t) — the cold half of push_local: the local queue is full.
  void overflow_to_injection(thread_control* t) noexcept;
  void fire_timers() noexcept;
  // park_on_io(t, slot, deadline) — the parking half of the poller's wait-slot protocol.
  void park_on_io(thread_control* t, std::atomic<std::uintptr_t>* slot,
                  std::chrono::steady_clock::time_point deadline);
  // poll_io(timeout_ms) — poll the netpoller, make every thread it woke ready here; returns
  // one of them to run next (the rest are queued), or nullptr.
  thread_control* poll_io(int timeout_ms);
  // take_woken() — queue the threads a poll woke (woken_), all but the first; return that one.
  thread_control* take_woken() noexcept;
  void end_search() noexcept;
  thread_control* pop_fifo() noexcept;
  void publish_fifo() noexcept;
  void push_fifo(thread_control* t) noexcept;
  thread_control* take_from_injection() noexcept;
  bool sched_injection_empty() const noexcept;
  // report(t, s) — the cold half of observe: timestamp the transition and hand it to observer_.
  void report(thread_control* t, thread_state s) noexcept;

  scheduler& sched_;
  const unsigned index_;
  hybrid::observer* const observer_;  // scheduler's observer, copied: one load per hook; not owned
  local_queue queue_;
  local_queue::owner local_;             // owner handle of queue_
  thread_control* lifo_ = nullptr;       // the LIFO slot: runs next; not stealable
  unsigned lifo_streak_ = 0;             // consecutive runs from lifo_
  thread_control* fifo_head_ = nullptr;  // FIFO list (timers, LIFO guard): FIFO, not stealable
  thread_control* fifo_tail_ = nullptr;
  timer_heap timers_;
  stack_cache stack_cache_;
  parker parker_;
  carrier* carrier_ = nullptr;  // the carrier; owner only (the monitor reads the copy below)
  std::atomic<carrier*> monitored_carrier_{nullptr};  // carrier_, published for the monitor
  std::uint64_t tick_ = 0;
  std::uint32_t fairness_countdown_ = 61;  // picks until the next fairness check (worker.cpp)
  std::uint64_t next_id_;    // the next thread id: 1 + index, then + workers each time
  std::uint64_t id_stride_;  // the worker count
  std::uint32_t rng_;
  bool searching_ = false;         // counted in scheduler::searching_
  bool pick_oldest_next_ = false;  // a thread just yielded: take the oldest queued next
  // victim_view — what this worker, as a thief, saw of another worker's queue one search round
  // ago (worth_stealing). Owner-only: one per worker, sized in run().
  struct victim_view {
    std::int64_t top = 0, bottom = 0;
    std::uint64_t dispatches = 0;
    unsigned signals = 0;  // consecutive rounds in which the victim looked worth stealing from
    bool seen = false;     // false: the first look of this search, nothing to compare with
  };
  std::vector<victim_view> views_;
  ready_list woken_;  // threads a poll of the netpoller just woke; reused, owner only
  // poll_sleeper — this worker asleep in the netpoller (parker::park_in), what it woke
  // collected in woken_.
  struct poll_sleeper final : sleeper {
    poller& io;
    ready_list& woken;
    poll_sleeper(poller& p, ready_list& w) noexcept : io(p), woken(w) {}
    void sleep(int timeout_ms) override { io.poll(timeout_ms, woken); }
    void interrupt() noexcept override { io.interrupt(); }
  };
  poll_sleeper in_poller_;
  std::unique_ptr<ring> ring_;  // io_uring back end only
  owner_check owner_;  // the kernel thread running run(): the only one that touches the core
  unsigned steal_patience_ = 2;  // rounds of signal a steal needs now (worth_stealing)
  bool judging_steal_ = false;   // a steal happened; the next search judges whether it paid
  bool fresh_search_ = true;     // the next search() starts anew: forget victim views
  bool just_woke_ = false;       // parked, woke, and has run no thread since (empty_wakeups)
  std::chrono::steady_clock::time_point stole_at_{};  // when that steal happened
  // dispatches_ — tick_, published for thieves. Written by the owner only (a relaxed store per
  // pick: a plain MOV on x86-64), read by thieves once per search round. Its own cache line.
  alignas(64) std::atomic<std::uint64_t> dispatches_{0};
};

// report_transition(to, t, s, worker) — timestamp t's transition to s (made on `worker`) and
// hand it to observer `to` (what worker::observe does when an observer is installed).
void report_transition(hybrid::observer& to, thread_control* t, thread_state s,
                       unsigned worker) noexcept;

// current_worker() — the worker carried by the calling kernel thread, or nullptr outside
// hybrid::run (or on a carrier that lost its worker). Deliberately not inlined: a green thread
// may resume on another kernel thread, and the compiler must not reuse a thread_local address
// computed before the switch.
worker* current_worker() noexcept;

// create_context(t) — build t's initial context on its own stack (context.cpp).
void create_context(thread_control* t);
// resume(c, t) — scheduler side: run t (and whatever it switches to) until a thread switches
// back to c's own stack; returns that thread's saved context (c.leaving names it).
boost::context::detail::fcontext_t resume(carrier& c, thread_control* t);
// switch_away(c, self, next) — thread side: leave self (c.pending set) for next, or for c's own
// stack when next is nullptr. Returns when self runs again, maybe on another carrier.
void switch_away(carrier& c, thread_control* self, thread_control* next);
// arrive(c, self, from) — the first thing a thread does when it (re)starts: save the context
// of whatever it came from and, if that was a thread, perform its pending action.
void arrive(carrier& c, thread_control* self, boost::context::detail::fcontext_t from);
// run_thread_function(t) — the body of every thread: leave the runtime (user code from here),
// call the function, keep its exception, destroy the function object (thread.cpp).
void run_thread_function(thread_control* t) noexcept;

// park_held_and_unlock(w, lock, why) — park_and_unlock (detail/park.hpp) for a caller already
// inside a runtime_scope whose worker is w: a primitive that must not lose its worker while it
// holds `lock` (sync.cpp, mutex::lock_slow) enters the runtime before taking it.
void park_held_and_unlock(worker& w, spinlock& lock, wait_reason why);

}  // namespace hybrid::detail
