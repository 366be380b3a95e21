// coroutines/src/worker.hpp — one kernel worker: its queues, its timers, its frame cache, its
// parker, and the loop that resumes coroutine threads (worker.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <coroutines/detail/thread_control.hpp>
#include <coroutines/scheduler.hpp>

#include "frame_pool.hpp"
#include "parker.hpp"
#include "poller.hpp"
#include "run_queue.hpp"
#include "timer_heap.hpp"

namespace coroutines::detail {

class scheduler;

class worker {
 public:
  worker(scheduler& s, poller& io, unsigned index, unsigned count)
      : sleeper(io),
        scheduler_(s),
        index_(index),
        id_stride_(count),
        next_id_(1 + index),
        views_(count) {
    // Room for every thread one poll can wake (two per event), so that a poll never allocates.
    woken_.reserve(2 * poller::events_per_poll);
  }
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // loop() — on this worker's kernel thread: bind it, resume threads until the run stops, then
  // unbind. enter() alone binds it (worker 0 does so first, to spawn the body).
  void enter() noexcept;
  void loop();

  // Owner only (the kernel thread the worker is bound to):
  // make_ready_next(t) — t was woken by the thread running here: it runs next (the LIFO slot); a
  // thread already there moves to the local queue.
  void make_ready_next(thread_control* t) noexcept;
  // make_ready_local(t) — a new thread: the local queue (stealable), spilling half of a full
  // queue to the injection queue.
  void make_ready_local(thread_control* t) noexcept;
  // make_ready_later(t) — a yield or a fired timer: the back of the FIFO list.
  void make_ready_later(thread_control* t) noexcept;
  // sleep(deadline) — P5 of the parking protocol (scheduler.cpp): on the futex, or, when threads
  // wait on sockets and no other worker sleeps in the netpoller, in the netpoller. Returns true
  // when it slept in the netpoller: the caller ends that blocking poll once it has left the idle
  // list (scheduler.cpp, I/O). The threads a poll woke are made ready by make_woken_ready.
  bool sleep(std::optional<std::chrono::steady_clock::time_point> deadline) noexcept;
  // make_woken_ready() — the threads the last poll took out of their sockets' slots: ready on
  // this worker's local queue (stealable).
  void make_woken_ready() noexcept;
  // current() — the thread being resumed, or nullptr between threads.
  thread_control* current() const noexcept { return current_; }

  unsigned index() const noexcept { return index_; }

  // thread_started() — count a thread started here and return its id: unique within the run
  // without a shared counter (1 + index, then + the worker count each time; the body, the
  // first thread of worker 0, is #1). thread_ended() — count a thread that ended here (it may
  // have started elsewhere). The scheduler sums both over the workers only when every worker
  // is settled (scheduler.cpp, Shutdown).
  std::uint64_t thread_started() noexcept {
    ++started_;
    return std::exchange(next_id_, next_id_ + id_stride_);
  }
  void thread_ended() noexcept { ++ended_; }
  // live_balance() — threads started here minus threads ended here (negative when more ended
  // here than started). Precondition: the worker is settled, under the idle mutex.
  std::int64_t live_balance() const noexcept {
    return static_cast<std::int64_t>(started_) - static_cast<std::int64_t>(ended_);
  }
  stats& counters() noexcept { return stats_; }
  frame_cache& frames() noexcept { return frames_; }

  // Anyone:
  timer_heap timers;  // under timers.lock
  run_queue<local_queue_capacity> queue;
  parker sleeper;

  // Under the scheduler's idle mutex (scheduler.cpp, parking): whether the worker is in the idle
  // list; whether it has passed its re-check (P4) there; whether it sleeps until a timer.
  bool idle = false;
  bool settled = false;
  bool settled_with_timer = false;

  // Owner only: whether this worker counts in the scheduler's searching count.
  bool searching = false;

  // dispatches() — anyone: how many threads this worker has resumed, as last published (relaxed:
  // a thief's hint of whether the worker is making progress; worth_stealing).
  std::uint64_t dispatches() const noexcept { return dispatches_.load(std::memory_order_relaxed); }

 private:
  thread_control* find_work();
  thread_control* search();
  bool worth_stealing(worker& victim) noexcept;
  thread_control* pop_fifo() noexcept;
  void fire_timers();
  // poll_io(timeout_ms) — poll the netpoller (timeout 0: only look): the first thread it woke,
  // to run now; the others ready on the local queue.
  thread_control* poll_io(int timeout_ms);
  // take_blocking_poll() — true when this worker should sleep in the netpoller (sleep above).
  bool take_blocking_poll() noexcept;
  void resume(thread_control* t);

  scheduler& scheduler_;
  const unsigned index_;
  const unsigned id_stride_;   // the worker count
  std::uint64_t next_id_;      // the id of the next thread started here
  std::uint64_t started_ = 0;  // threads started here; owner only (read when settled)
  std::uint64_t ended_ = 0;    // threads ended here; owner only (read when settled)
  thread_control* current_ = nullptr;
  thread_control* lifo_ = nullptr;  // the LIFO slot
  unsigned lifo_streak_ = 0;
  thread_control* fifo_head_ = nullptr;  // the FIFO list, through thread_control::next
  thread_control* fifo_tail_ = nullptr;
  std::uint32_t tick_ = 0;    // threads resumed; every fairness_interval-th looks afar
  std::uint32_t random_ = 0;  // xorshift state: where a search starts
  bool woke_ = false;         // just back from the parker: count an empty wake-up
  std::atomic<std::uint64_t> dispatches_{0};  // tick_, published for thieves

  // victim_view — what this worker, as a thief, saw of another worker's queue one search round
  // ago (worth_stealing). Owner only, one per worker.
  struct victim_view {
    std::int64_t top = 0, bottom = 0;
    std::uint64_t dispatches = 0;
    unsigned signals = 0;  // consecutive rounds in which the victim looked worth stealing from
    bool seen = false;     // false: the first look of this search, nothing to compare with
  };
  std::vector<victim_view> views_;
  bool fresh_search_ = true;    // the next search starts from fresh views (after running threads)
  bool judging_steal_ = false;  // a steal was made; the next search judges whether it paid
  std::chrono::steady_clock::time_point stole_at_{};
  unsigned steal_patience_;  // rounds of signal a steal needs now (worker.cpp, stealing policy)
  stats stats_;
  frame_cache frames_;
  ready_list woken_;  // threads a poll woke, not yet made ready
};

// current_worker() — the worker bound to the calling kernel thread, or nullptr. Out of line: a
// coroutine may resume on another kernel thread, and the compiler must not keep a thread_local's
// address across a suspension.
worker* current_worker() noexcept;

}  // namespace coroutines::detail
