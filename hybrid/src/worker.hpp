// hybrid/src/worker.hpp — one kernel worker (Go's M with its P; Tokio's worker with its Core).
//
// The worker's private core is touched only by its own kernel thread (by its scheduler context
// or by whichever green thread runs there): the LIFO slot, the FIFO list, the timer heap, the
// stack cache, the owner handle of the local queue and the tick counters. What other workers may touch is grouped under "shared" below: the stealer handle,
// the parker, and the idle-list fields (guarded by scheduler::idle_mutex_). The worker loop is
// in worker.cpp and reads as prose: find work, run it, do what the thread asked on its way out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <boost/context/fiber.hpp>

#include "parker.hpp"
#include "run_queue.hpp"
#include "sanitizer.hpp"
#include "stack_pool.hpp"
#include "thread_control.hpp"
#include "timer_heap.hpp"

#include <hybrid/scheduler.hpp>

namespace hybrid::detail {

class scheduler;
using local_queue = run_queue<hybrid::local_queue_capacity>;

// after_switch — what a thread asks its worker to do once the thread's context is saved.
enum class after_switch : std::uint8_t {
  exited,   // the thread terminated: publish it to its joiner, maybe recycle the stack
  exited_joined,  // the thread terminated and already handed its result to its joiner
  yielded,  // requeue it behind the others
  unlock,   // it is in a wait list: release that list's spinlock (object)
  join,     // wait for thread `object` to terminate
  sleep,    // put it in the timer heap until `deadline`
};

// pending_action — the request a thread leaves in its worker before switching away.
struct pending_action {
  after_switch kind = after_switch::exited;
  void* object = nullptr;
  std::chrono::steady_clock::time_point deadline{};
};

// relaxed_counter — a statistic written only by its owner worker and read by anyone.
struct relaxed_counter {
  std::atomic<std::uint64_t> value{0};
  void bump() noexcept { value.store(value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  void add(std::uint64_t n) noexcept { value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

class worker {
 public:
  worker(scheduler& s, unsigned index);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // run() — the worker loop; returns at shutdown. Precondition: on this worker's own kernel
  // thread, once.
  void run();

  // ---- called by the green thread running on this worker (its kernel thread) --------------
  // park_current(p) — switch the running thread out (straight to the next ready thread here, or
  // to the scheduler); p is performed once the thread's context is saved. Returns when the thread is resumed — possibly on ANOTHER worker, so the
  // caller must not use this worker afterwards (call current_worker() again).
  void park_current(pending_action p);
  // make_ready(t) — t becomes ready in this worker's LIFO slot (it runs next here); the
  // slot's previous occupant moves to the local queue. Thread or scheduler context.
  void make_ready(thread_control* t) noexcept;
  // schedule_new(t) — a freshly spawned t joins the local queue (LIFO end, stealable).
  void schedule_new(thread_control* t) noexcept;
  // alone() — true when nothing else could run on this worker now: the LIFO slot, local
  // queue, FIFO list and injection queue are empty and no timer is pending. Then yield() has
  // nobody to let run and returns at once. Thread context only.
  bool alone() const noexcept {
    return lifo_ == nullptr && fifo_head_ == nullptr && timers_.empty() &&
           local_.size() == 0 && sched_injection_empty();
  }
  // recycle(t) — t terminated and was joined or detached: its stack goes back to the pool.
  void recycle(thread_control* t) noexcept;
  // next_thread_id() — a run-unique id without shared atomics: index + workers * n.
  std::uint64_t next_thread_id() noexcept;

  thread_control* current() const noexcept { return current_; }
  unsigned index() const noexcept { return index_; }
  scheduler& sched() noexcept { return sched_; }
  stack_cache& stacks() noexcept { return stack_cache_; }
  // observe(t, s) — record a state change (and report it when an observer is installed).
  void observe(thread_control* t, thread_state s) noexcept;

  // ---- shared: other workers may use these ------------------------------------------------
  local_queue::stealer stealer() noexcept { return queue_.stealer_handle(); }
  parker& parking() noexcept { return parker_; }
  bool in_idle_list = false;  // guarded by scheduler::idle_mutex_
  bool idle_forever = false;  // guarded by scheduler::idle_mutex_: idle with no timer pending
  relaxed_counter spawned, exited, steals, stolen, lifo_runs, parks;

  // ---- the context switch (context.cpp); this worker's kernel thread only ------------------
  boost::context::fiber scheduler_context;  // the scheduler's saved context while threads run
  pending_action pending;                   // what the thread that just left asked for
  thread_control* leaving = nullptr;        // that thread, until whoever arrives handles it
  sanitizer::scheduler_side sanitizer_state;
  // choose_next() — the thread to switch to directly, now marked running, or nullptr (then
  // switch to the scheduler). Never blocks. Thread context, on this worker.
  thread_control* choose_next() noexcept;
  // prepare_exit(t) — t's function returned; returns the pending action for its last switch.
  after_switch prepare_exit(thread_control* t) noexcept;
  // after_switch_out(t) — t's context is saved: perform `pending` for it.
  void after_switch_out(thread_control* t);

 private:
  thread_control* find_work();
  thread_control* pick_local() noexcept;
  thread_control* search();
  void park_worker();
  void run_thread(thread_control* t);
  void finish_thread(thread_control* t, bool joiner_served) noexcept;
  void push_local(thread_control* t, bool notify) noexcept;
  void fire_timers() noexcept;
  void end_search() noexcept;
  thread_control* pop_fifo() noexcept;
  void push_fifo(thread_control* t) noexcept;
  thread_control* take_from_injection() noexcept;
  bool sched_injection_empty() const noexcept;

  scheduler& sched_;
  const unsigned index_;
  local_queue queue_;
  local_queue::owner local_;         // owner handle of queue_
  thread_control* lifo_ = nullptr;   // the LIFO slot: runs next; not stealable
  unsigned lifo_streak_ = 0;         // consecutive runs from lifo_
  thread_control* fifo_head_ = nullptr;  // FIFO list (timers, LIFO guard): FIFO, not stealable
  thread_control* fifo_tail_ = nullptr;
  timer_heap timers_;
  stack_cache stack_cache_;
  parker parker_;
  thread_control* current_ = nullptr;  // the running thread; read by the SIGSEGV handler
  std::uint64_t tick_ = 0;
  std::uint64_t id_counter_ = 0;
  std::uint32_t rng_;
  bool searching_ = false;           // counted in scheduler::searching_
  bool pick_oldest_next_ = false;    // a thread just yielded: take the oldest queued next
};

// current_worker() — the worker of the calling kernel thread, or nullptr outside hybrid::run.
// Deliberately not inlined: a green thread may resume on another kernel thread, and the
// compiler must not reuse a thread_local address computed before the switch.
worker* current_worker() noexcept;

// create_context(t) — build t's fiber on its own stack (context.cpp).
void create_context(thread_control* t);
// resume(w, t) — scheduler side: run t (and whatever it switches to) until a thread switches
// back to the scheduler; returns that thread's saved context (w.leaving names it).
boost::context::fiber resume(worker& w, thread_control* t);
// switch_away(w, self, next) — thread side: leave self (w.pending set) for next, or for the
// scheduler when next is nullptr. Returns when self runs again, maybe on another worker.
void switch_away(worker& w, thread_control* self, thread_control* next);
// arrive(w, self, from) — the first thing a thread does when it (re)starts: save the context
// of whatever it came from and, if that was a thread, perform its pending action.
void arrive(worker& w, thread_control* self, boost::context::fiber&& from);
// run_thread_function(t) — the body of every thread: call the function, keep its exception,
// destroy the function object (thread.cpp).
void run_thread_function(thread_control* t) noexcept;

}  // namespace hybrid::detail
