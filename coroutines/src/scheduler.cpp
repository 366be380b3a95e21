// ESSAY
#include "scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace coroutines::detail {

namespace {
// running_world — the scheduler of the run in progress (scheduler::running).
std::atomic<scheduler*> running_world{nullptr};

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer does not model a standalone fence; a seq_cst read-modify-write of one shared
// location, which every StoreLoad point performs, gives it (and the hardware) the same order.
std::atomic<unsigned> fence_location{0};
#endif
}  // namespace

void store_load_fence() noexcept {
#if defined(__SANITIZE_THREAD__)
  fence_location.fetch_add(0, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

scheduler::scheduler(const options& o) : observer_(o.observer) {
  const unsigned n = o.workers != 0 ? o.workers : default_workers();
  workers.reserve(n);
  for (unsigned i = 0; i < n; ++i) workers.push_back(std::make_unique<worker>(*this, i));
  idle_.reserve(n);
}

scheduler* scheduler::running() noexcept {
  // acquire: pairs with run()'s release store; the scheduler's construction is visible.
  return running_world.load(std::memory_order_acquire);
}

void scheduler::report(thread_control* t, thread_state state, const worker* by) const noexcept {
  t->state = state;
#if THREADLAB_TRACE_HOOKS
  if (observer_ != nullptr) [[unlikely]] {
    transition tr;
    tr.thread_id = t->id;
    tr.worker_id = by != nullptr ? by->index() : 0;
    tr.state = state;
    tr.timestamp_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
    tr.waiting = state == thread_state::blocked ? t->waiting : wait_kind::unknown;
    observer_->on_transition(tr);
  }
#else
  (void)by;
#endif
}

std::uint64_t scheduler::thread_started() noexcept {
  // relaxed: the count only needs its own modification order; the spawner is itself live, so it
  // cannot reach zero before this increment.
  live_.fetch_add(1, std::memory_order_relaxed);
  return next_id_.fetch_add(1, std::memory_order_relaxed);
}

void scheduler::thread_ended() noexcept {
  // acq_rel: every ending thread releases its effects into the count's release sequence; the
  // last one acquires them all before it stops the run (partner: run()'s acquire of stopping_).
  if (live_.fetch_sub(1, std::memory_order_acq_rel) == 1) stop();
}

void scheduler::stop() noexcept {
  // release: pairs with stopping()'s acquire in every worker loop.
  stopping_.store(true, std::memory_order_release);
  for (auto& w : workers) w->sleeper.unpark();
}

void scheduler::inject(thread_control* first, thread_control* last, std::size_t n) {
  injection.push(first, last, n);  // N1
  notify_work();
}

void scheduler::notify_work() noexcept {
  store_load_fence();                                         // N2, pairs with P3
  if (searching_.load(std::memory_order_relaxed) != 0) return;  // N3
  if (sleeping_.load(std::memory_order_relaxed) == 0) return;   // N4
  worker* woken = nullptr;
  {
    const std::lock_guard<std::mutex> hold(idle_mutex_);  // N5
    if (!idle_.empty()) {
      woken = idle_.back();
      idle_.pop_back();
      woken->idle = false;
      woken->settled = false;
      sleeping_.fetch_sub(1, std::memory_order_relaxed);
      searching_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (woken == nullptr) return;
  if (worker* self = current_worker()) ++self->counters().worker_unparks;
  woken->sleeper.unpark();
}

bool scheduler::try_start_searching() noexcept {
  // Go's bound: at most half of the workers search at once, so an idle scheduler's workers do
  // not all spin on each other's queues. relaxed: a stale count only changes who searches.
  if (2 * searching_.load(std::memory_order_relaxed) >= workers.size()) return false;
  searching_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void scheduler::stop_searching(worker& w, bool more) noexcept {
  w.searching = false;
  // seq_cst: a StoreLoad point like P2; notify_work's own fence orders the rest.
  if (searching_.fetch_sub(1, std::memory_order_seq_cst) == 1 && more) notify_work();
}

bool scheduler::work_visible() const noexcept {
  if (!injection.looks_empty()) return true;
  return std::any_of(workers.begin(), workers.end(),
                     [](const auto& w) { return !w->queue.looks_empty(); });
}

void scheduler::leave_idle(worker& w) {
  const std::lock_guard<std::mutex> hold(idle_mutex_);
  w.settled = false;
  if (!w.idle) {
    w.searching = true;  // a waker (N5) took it out and counted it searching
    return;
  }
  idle_.erase(std::find(idle_.begin(), idle_.end(), &w));
  w.idle = false;
  sleeping_.fetch_sub(1, std::memory_order_relaxed);
}

void scheduler::park_worker(worker& w) {
  {
    const std::lock_guard<std::mutex> hold(idle_mutex_);  // P1
    idle_.push_back(&w);
    w.idle = true;
    sleeping_.fetch_add(1, std::memory_order_relaxed);
  }
  if (w.searching) {  // P2
    w.searching = false;
    searching_.fetch_sub(1, std::memory_order_relaxed);
  }
  store_load_fence();  // P3, pairs with N2
  if (work_visible() || stopping()) {  // P4
    leave_idle(w);
    return;
  }
  w.timers.lock.lock();
  const auto deadline = w.timers.next_deadline();
  w.timers.lock.unlock();
  {
    // Settled: past P4 with nothing visible. When every worker is settled with no timer, no
    // thread runs and none can be made ready: the threads still alive wait forever.
    const std::lock_guard<std::mutex> hold(idle_mutex_);
    if (w.idle) {
      w.settled = true;
      w.settled_with_timer = deadline.has_value();
      const bool all_settled = std::all_of(workers.begin(), workers.end(), [](const auto& x) {
        return x->idle && x->settled && !x->settled_with_timer;
      });
      if (all_settled && !stopping()) {
        deadlocked_ = live_.load(std::memory_order_relaxed);
        stop();
      }
    }
  }
  ++w.counters().worker_parks;
  w.sleeper.park(deadline);  // P5
  leave_idle(w);
}

stats scheduler::run(void (*start)(void*), void* context) {
  scheduler* expected = nullptr;
  // acq_rel: publishes this scheduler (partner: running()'s acquire) and orders run after the
  // previous run's release below.
  if (!running_world.compare_exchange_strong(expected, this, std::memory_order_acq_rel)) {
    throw std::logic_error("coroutines::run: a run is already in progress in this process");
  }
  reset_off_worker_frame_counts();
  std::vector<std::thread> kernel_threads;
  kernel_threads.reserve(workers.size() - 1);
  worker& first = *workers.front();
  first.enter();
  start(context);  // spawns the body on worker 0
  for (std::size_t i = 1; i < workers.size(); ++i) {
    kernel_threads.emplace_back([w = workers[i].get()] { w->loop(); });
  }
  first.loop();
  for (std::thread& t : kernel_threads) t.join();

  stats s;
  s.workers = static_cast<unsigned>(workers.size());
  for (const auto& w : workers) {
    const stats& c = w->counters();
    s.threads_spawned += c.threads_spawned;
    s.steals += c.steals;
    s.threads_stolen += c.threads_stolen;
    s.local_pushes += c.local_pushes;
    s.injection_pushes += c.injection_pushes;
    s.lifo_runs += c.lifo_runs;
    s.worker_parks += c.worker_parks;
    s.worker_unparks += c.worker_unparks;
    s.empty_wakeups += c.empty_wakeups;
    s.timer_fires += c.timer_fires;
  }
  frame_counts frames = off_worker_frame_counts();
  for (const auto& w : workers) {
    const frame_counts& c = w->frames().counts;
    frames.allocated += c.allocated;
    frames.from_heap += c.from_heap;
    frames.bytes += c.bytes;
    frames.largest = std::max(frames.largest, c.largest);
  }
  s.frames_allocated = frames.allocated;
  s.frames_from_heap = frames.from_heap;
  s.frame_bytes = frames.bytes;
  s.largest_frame = frames.largest;
  const std::size_t deadlocked = deadlocked_;
  release_global_frames();
  running_world.store(nullptr, std::memory_order_release);  // partner: the next run's CAS
  if (deadlocked != 0) {
    throw deadlock_error("coroutines: deadlock: " + std::to_string(deadlocked) +
                             " threads suspended forever",
                         deadlocked);
  }
  return s;
}

}  // namespace coroutines::detail
