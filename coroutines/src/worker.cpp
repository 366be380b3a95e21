// coroutines/src/worker.cpp — the worker loop: find a ready thread, resume it, repeat; sleep
// when there is nothing (scheduler.cpp's parking protocol). A resumed thread runs on this
// kernel thread's own stack until it suspends, and resume() returns: there is no context switch
// and nothing to save (scheduler.cpp, Migration).
#include "worker.hpp"

#include <chrono>
#include <utility>

#include "scheduler.hpp"

namespace coroutines::detail {

namespace {
thread_local worker* bound_worker = nullptr;

// fairness_interval — every this many picks a worker looks at its FIFO list and the injection
// queue first, so threads there are not starved by a local queue that never empties.
constexpr std::uint32_t fairness_interval = 61;
}  // namespace

[[gnu::noinline]] worker* current_worker() noexcept { return bound_worker; }

void worker::enter() noexcept {
  bound_worker = this;
  frames_.bind();
  random_ = 0x9e3779b9U * (index_ + 1);
}

void worker::loop() {
  enter();
  while (!scheduler_.stopping()) {
    thread_control* t = find_work();
    if (t == nullptr) {
      if (std::exchange(woke_, false)) ++stats_.empty_wakeups;
      scheduler_.park_worker(*this);
      woke_ = true;
      continue;
    }
    woke_ = false;
    if (searching) scheduler_.stop_searching(*this, false);
    resume(t);
  }
  frames_.unbind();
  frames_.flush();
  bound_worker = nullptr;
}

void worker::resume(thread_control* t) {
  ++tick_;
  current_ = t;
  t->waiting = wait_kind::unknown;
  scheduler_.report(t, thread_state::running, this);
  // The thread runs until it suspends: it then sits in a wait list, a queue or a timer heap, and
  // may already be running on another worker; t is not touched after this call.
  t->resume.resume();
  current_ = nullptr;
}

void worker::make_ready_next(thread_control* t) noexcept {
  if (thread_control* displaced = std::exchange(lifo_, t)) make_ready_local(displaced);
}

void worker::make_ready_local(thread_control* t) noexcept {
  if (!queue.push(t)) {
    // Full: move the older half to the injection queue, where any worker may take it.
    thread_control* first = queue.steal();
    thread_control* last = first;
    std::size_t n = first ? 1 : 0;
    while (first != nullptr && n < local_queue_capacity / 2) {
      thread_control* next = queue.steal();
      if (next == nullptr) break;
      last->next = next;
      last = next;
      ++n;
    }
    if (first != nullptr) {
      stats_.injection_pushes += n;
      scheduler_.inject(first, last, n);
    }
    queue.push(t);  // room now: only the owner pushes
  }
  ++stats_.local_pushes;
  scheduler_.notify_work();
}

void worker::make_ready_later(thread_control* t) noexcept {
  t->next = nullptr;
  (fifo_tail_ ? fifo_tail_->next : fifo_head_) = t;
  fifo_tail_ = t;
}

thread_control* worker::pop_fifo() noexcept {
  thread_control* t = fifo_head_;
  if (t != nullptr) {
    fifo_head_ = t->next;
    if (fifo_head_ == nullptr) fifo_tail_ = nullptr;
  }
  return t;
}

void worker::fire_timers() {
  if (timers.looks_empty()) return;  // the common case, without the lock
  thread_control* fired[16];
  std::size_t n = 0;
  timers.lock.lock();
  if (!timers.empty()) {
    const auto now = std::chrono::steady_clock::now();
    while (n < std::size(fired)) {
      timer_node* node = timers.pop_due(now);
      if (node == nullptr) break;
      node->fired = true;
      fired[n++] = node->thread;
    }
  }
  timers.lock.unlock();
  // The nodes were taken out under the lock, so no stop request can wake these threads too.
  for (std::size_t i = 0; i < n; ++i) {
    ++stats_.timer_fires;
    scheduler_.report(fired[i], thread_state::ready, this);
    make_ready_later(fired[i]);
  }
}

thread_control* worker::find_work() {
  fire_timers();
  if (tick_ % fairness_interval == 0) {
    if (thread_control* t = pop_fifo()) return t;
    if (thread_control* t = scheduler_.injection.pop()) return t;
  }
  if (lifo_ != nullptr) {
    const bool others_wait = fifo_head_ != nullptr || queue.size() > 0;
    if (lifo_streak_ < lifo_streak_limit || !others_wait) {
      ++lifo_streak_;
      ++stats_.lifo_runs;
      return std::exchange(lifo_, nullptr);
    }
    make_ready_later(std::exchange(lifo_, nullptr));  // the guard: to the back of the line
  }
  lifo_streak_ = 0;
  if (thread_control* t = queue.pop()) return t;
  if (thread_control* t = pop_fifo()) return t;
  if (thread_control* t = scheduler_.injection.pop()) return t;
  return search();
}

thread_control* worker::search() {
  if (!searching) {
    if (!scheduler_.try_start_searching()) return nullptr;
    searching = true;
  }
  const std::size_t n = scheduler_.workers.size();
  random_ ^= random_ << 13;
  random_ ^= random_ >> 17;
  random_ ^= random_ << 5;
  for (std::size_t i = 0; i < n; ++i) {
    worker& victim = *scheduler_.workers[(random_ + i) % n];
    if (&victim == this) continue;
    std::size_t moved = 0;
    if (thread_control* t = victim.queue.steal_half_into(queue, &moved)) {
      ++stats_.steals;
      stats_.threads_stolen += moved;
      scheduler_.stop_searching(*this, moved > 1);
      return t;
    }
  }
  if (thread_control* t = scheduler_.injection.pop()) {
    scheduler_.stop_searching(*this, !scheduler_.injection.looks_empty());
    return t;
  }
  return nullptr;
}

}  // namespace coroutines::detail
