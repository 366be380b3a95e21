// coroutines/src/worker.cpp — the worker loop: find a ready thread, resume it, repeat; sleep
// when there is nothing (scheduler.cpp's parking protocol). A resumed thread runs on this
// kernel thread's own stack until it suspends, and resume() returns: there is no context switch
// and nothing to save (scheduler.cpp, Migration).
#include "worker.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "scheduler.hpp"

namespace coroutines::detail {

namespace {
thread_local worker* bound_worker = nullptr;

// fairness_interval — every this many picks a worker looks at its FIFO list and the injection
// queue first, so threads there are not starved by a local queue that never empties.
constexpr std::uint32_t fairness_interval = 61;

// Stealing policy (worth_stealing), hybrid's. A steal moves threads to another core: their
// control blocks and frames then cross caches twice (there, and back to the joiner), about the
// cost of a few hundred ns of trivial threads; and a worker woken for every burst of spawns
// steals half of each burst. So a thief steals only from a worker whose queue is not draining
// by itself, judged over consecutive search rounds (one round: a pass over the victims plus
// spins_per_round pauses, 1-2 us):
//   steal_signal_rounds  rounds in a row the victim must look worth it: 2. One round is fooled
//                        by a window that straddles the end of a spawn burst and the start of
//                        the joins; two are not.
//   steal_backlog_rounds a draining queue is still worth stealing from when, at the rate it
//                        drained in the last round, it would need more than this many rounds
//                        (~10 us): 8. Below that the owner finishes first.
//   steal_anyway_size    a queue this long is stolen from regardless: half of it is about to
//                        overflow to the injection queue anyway.
//   steal_payoff         a steal after which this worker had nothing to do again within 50 us
//                        did not pay (the threads were too short, or went back to their
//                        joiner's worker): the patience (rounds of signal needed) doubles, up to
//                        steal_patience_max (64 rounds, ~100 us); a steal that paid resets it.
// Without it (one pass over the victims, then sleep) spawn_join's time per thread was bimodal on
// two workers, 43 or 124 ns from one run to the next, by whether the second worker woke for
// every batch and stole half of it.
constexpr unsigned search_rounds = 32;
constexpr unsigned spins_per_round = 64;
constexpr unsigned steal_signal_rounds = 2;
constexpr unsigned steal_patience_max = 64;
constexpr std::int64_t steal_backlog_rounds = 8;
constexpr std::int64_t steal_anyway_size = local_queue_capacity / 2;
constexpr auto steal_payoff = std::chrono::microseconds(50);

void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}
}  // namespace

[[gnu::noinline]] worker* current_worker() noexcept { return bound_worker; }

void worker::enter() noexcept {
  bound_worker = this;
  frames_.bind();
  random_ = 0x9e3779b9U * (index_ + 1);
  steal_patience_ = steal_signal_rounds;
}

void worker::loop() {
  enter();
  while (!scheduler_.stopping()) {
    thread_control* t = find_work();
    if (t == nullptr) {
      if (std::exchange(woke_, false)) ++stats_.empty_wakeups;
      scheduler_.park_worker(*this);
      woke_ = true;
      make_woken_ready();
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
  dispatches_.store(tick_, std::memory_order_relaxed);  // for thieves: worth_stealing
  fresh_search_ = true;
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
  // Alone, nobody else could take it: this worker looks at its own queue before it sleeps.
  if (id_stride_ > 1) scheduler_.notify_work();
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
      // A socket wait's deadline: the thread is this timer's only if it takes it out of its
      // slot; else an event or close() woke it first (poller.hpp).
      if (node->io_slot != nullptr && !scheduler_.io.claim(*node->io_slot, node->thread)) continue;
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
  // Sockets, when threads wait on them and no worker sleeps in the netpoller: with every worker
  // busy, nobody else would look (Go's sysmon polls for the same reason). Asked only at the
  // fairness tick and before a search, not on every dispatch.
  const auto poll_due = [this] {
    return scheduler_.io.parked() != 0 && !scheduler_.io.someone_blocks();
  };
  if (tick_ % fairness_interval == 0) {
    if (thread_control* t = pop_fifo()) return t;
    if (thread_control* t = scheduler_.injection.pop()) return t;
    if (poll_due()) {
      if (thread_control* t = poll_io(0)) return t;
    }
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
  if (poll_due()) {
    if (thread_control* t = poll_io(0)) return t;
  }
  return search();
}

thread_control* worker::poll_io(int timeout_ms) {
  scheduler_.io.poll(timeout_ms, woken_);
  if (woken_.empty()) return nullptr;
  thread_control* first = woken_.front();
  woken_.front() = woken_.back();
  woken_.pop_back();
  ++stats_.io_wakeups;
  make_woken_ready();
  scheduler_.report(first, thread_state::ready, this);
  return first;
}

void worker::make_woken_ready() noexcept {
  for (thread_control* t : woken_) {
    ++stats_.io_wakeups;
    scheduler_.report(t, thread_state::ready, this);
    make_ready_local(t);
  }
  woken_.clear();
}

bool worker::take_blocking_poll() noexcept {
  // The re-check of parked() after taking the poll pairs with poller::uncount_parked (seq_cst
  // both): either this worker sees the count fall to zero, or the thread that made it fall sees
  // this worker polling and interrupts the poll.
  poller& p = scheduler_.io;
  if (p.parked() == 0 || !p.begin_blocking_poll()) return false;
  if (p.parked() != 0) return true;
  p.end_blocking_poll();
  return false;
}

bool worker::sleep(std::optional<std::chrono::steady_clock::time_point> deadline) noexcept {
  if (!take_blocking_poll()) {
    sleeper.park(deadline);
    return false;
  }
  sleeper.park_in(deadline, woken_);
  return true;
}

thread_control* worker::search() {
  if (!searching) {
    if (!scheduler_.try_start_searching()) return nullptr;
    searching = true;
  }
  // A new search (after running threads) looks at its victims afresh; one resumed after the
  // parking re-check keeps its views, so patience may exceed one search's rounds.
  if (std::exchange(fresh_search_, false)) {
    for (victim_view& view : views_) view.seen = false;  // first looks only observe
  }
  if (std::exchange(judging_steal_, false)) {
    const bool paid = std::chrono::steady_clock::now() - stole_at_ >= steal_payoff;
    steal_patience_ =
        paid ? steal_signal_rounds : std::min(2 * steal_patience_, steal_patience_max);
  }
  const std::size_t n = scheduler_.workers.size();
  for (unsigned round = 0; round < search_rounds; ++round) {
    random_ ^= random_ << 13;
    random_ ^= random_ >> 17;
    random_ ^= random_ << 5;
    for (std::size_t i = 0; i < n; ++i) {
      worker& victim = *scheduler_.workers[(random_ + i) % n];
      if (&victim == this || !worth_stealing(victim)) continue;
      std::size_t moved = 0;
      if (thread_control* t = victim.queue.steal_half_into(queue, &moved)) {
        ++stats_.steals;
        stats_.threads_stolen += moved;
        judging_steal_ = true;
        stole_at_ = std::chrono::steady_clock::now();
        scheduler_.stop_searching(*this, moved > 1);
        return t;
      }
    }
    if (thread_control* t = scheduler_.injection.pop()) {
      scheduler_.stop_searching(*this, !scheduler_.injection.looks_empty());
      return t;
    }
    // Back to the loop (still searching) when the run ends or a timer here is due.
    if (scheduler_.stopping() || !timers.looks_empty()) return nullptr;
    for (unsigned s = 0; s < spins_per_round; ++s) spin_pause();
  }
  return nullptr;  // still counted as searching; park_worker stops that
}

bool worker::worth_stealing(worker& victim) noexcept {
  victim_view now;
  victim.queue.ends(&now.top, &now.bottom);
  now.dispatches = victim.dispatches();
  now.seen = true;
  victim_view& before = views_[victim.index()];
  const std::int64_t length = now.bottom - now.top;
  bool signal = false;
  if (length > 0 && before.seen) {
    if (length >= steal_anyway_size) {
      signal = true;
    } else if (now.dispatches == before.dispatches) {
      // Stuck in one thread. If that thread pushed meanwhile it is spawning: it will suspend or
      // end soon and run what it spawned itself (a joiner runs its children).
      signal = now.bottom == before.bottom;
    } else {
      // Dispatching: steal if the queue grew, held steady (threads that yield come back) or
      // drains too slowly to finish within steal_backlog_rounds.
      const std::int64_t drained = (before.bottom - before.top) - length;
      signal = length > steal_backlog_rounds * drained;
    }
  }
  now.signals = signal ? before.signals + 1 : 0;
  before = now;
  return now.signals >= steal_patience_;
}

}  // namespace coroutines::detail
