// hybrid/src/worker.cpp — the worker loop: find work, run it, do what the thread asked.
//
// Where a worker looks for its next thread, in order (find_work):
//   0. every `fairness_interval` ticks: the injection queue, then the FIFO list first, so
//      neither starves behind a busy local queue (Go checks its global queue every 61 ticks);
//      and, with a worker asleep, the FIFO list moves to the local queue, where thieves see it;
//   1. the LIFO slot — the thread just woken here — unless it ran lifo_streak_limit times in a
//      row while others wait (then it goes to the back of the FIFO list);
//   2. the local queue's LIFO end (the newest spawned thread: depth-first spawn trees) — or,
//      right after a yield, its FIFO end, so that a yielding thread lets every other go first;
//   3. the FIFO list (threads whose timer fired, oldest first; threads the LIFO guard moved);
//   4. the injection queue (taking a batch into the local queue);
//   5. stealing half of another worker's local queue, as a "searching" worker, for a while —
//      only from a queue that is not draining by itself (worth_stealing, policy below);
//   6. sleeping (parking protocol, scheduler.cpp), no longer than until the next timer.
#include "worker.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "scheduler.hpp"

namespace hybrid::detail {

namespace {

// release_parked_lock(lock) — the second half of park_and_unlock: the parked thread took lock
// on its own stack before switching away, and its worker releases it here, after the switch.
// Not analysed: the acquire and the release are in different functions, on different stacks.
inline void release_parked_lock(spinlock* lock) noexcept HYBRID_NO_THREAD_SAFETY_ANALYSIS {
  lock->unlock();
}

// fairness_interval — ticks between fairness checks; Go's value (a prime, "picked by hand").
constexpr std::uint64_t fairness_interval = 61;
// search_rounds / spins_per_round — how long a searching worker keeps looking before it
// sleeps: about 10 µs here, long enough that a spawning loop finds it still awake (no futex
// wake-up per spawn), short enough to cost nothing measurable when idle. Tuned by hand.
constexpr unsigned search_rounds = 32;
constexpr unsigned spins_per_round = 64;
// injection_batch — threads moved from the injection queue to the local queue at once.
constexpr unsigned injection_batch = 16;
// Stealing policy (worth_stealing). A steal moves threads to another core: their control
// blocks and stacks then cross caches twice (there and back to the joiner), about the cost of
// a few hundred ns of trivial threads. So a thief steals only from a worker whose queue is not
// draining by itself, judged over consecutive search rounds (one round: a pass over the
// victims plus spins_per_round pauses, about 1-2 us here):
//   steal_signal_rounds  rounds in a row the victim must look worth it: 2. One round is
//                        fooled by a window that straddles the end of a spawn burst and the
//                        start of the joins; two are not. Go waits ~3 us before stealing a
//                        running P's runnext for the same reason.
//   steal_backlog_rounds a draining queue is still worth stealing from when, at the rate it
//                        drained in the last round, it would need more than this many rounds
//                        (~10 us): 8. Below that the owner finishes first. Picked by hand from
//                        spawn_join (100 trivial threads drain in ~5 rounds: never stolen) and
//                        parallel_compute (a stuck owner: stolen after 2 rounds).
//   steal_anyway_size    a queue this long is stolen from regardless: half of it is about
//                        to overflow to the injection queue anyway.
//   steal_payoff         a steal after which this worker found itself without work again
//                        within this time (50 us) did not pay: the threads went back to
//                        the victim (a woken thread runs on its waker's worker) or were too
//                        short. Then the patience (rounds of signal needed) doubles, up to
//                        steal_patience_max (64 rounds, ~100 us): a pipeline of short stages
//                        is stolen from ~30 times less often (measured: 14,000 steals per
//                        million messages at patience 2), while a steal that keeps the thief
//                        busy (yield, parallel_compute) resets it to steal_signal_rounds.
constexpr unsigned steal_signal_rounds = 2;
constexpr unsigned steal_patience_max = 64;
constexpr auto steal_payoff = std::chrono::microseconds(50);
constexpr std::int64_t steal_backlog_rounds = 8;
constexpr std::int64_t steal_anyway_size = static_cast<std::int64_t>(local_queue_capacity / 2);
}  // namespace

__attribute__((noinline)) worker* current_worker() noexcept {
  carrier* c = current_carrier();
  return c != nullptr ? c->held : nullptr;
}

thread_control* running_thread_for_signal() noexcept {
  carrier* c = current_carrier();
  return c != nullptr ? c->current : nullptr;
}

worker::worker(scheduler& s, unsigned index, unsigned workers, io_backend io)
    : sched_(s),
      index_(index),
      observer_(s.observer()),
      local_(queue_.owner_handle()),
      next_id_(1 + index),
      id_stride_(workers),
      rng_(index * 2654435761u + 1),
      in_poller_(s.io, woken_),
      ring_(io == io_backend::io_uring ? std::make_unique<ring>() : nullptr) {
  stack_cache_.stacks.reserve(stack_pool::cache_capacity);
}

std::uint64_t worker::next_thread_id() noexcept {
  const std::uint64_t id = next_id_;
  next_id_ += id_stride_;
  return id;
}

__attribute__((cold, noinline)) void report_transition(hybrid::observer& to, thread_control* t,
                                                       thread_state s, unsigned worker) noexcept {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  wait_kind waiting = wait_kind::unknown;
  std::uint64_t detail = 0;
  if (s == thread_state::blocked) {
    switch (t->waiting_on) {
      case wait_reason::none:
        break;
      case wait_reason::mutex:
        waiting = wait_kind::mutex;
        break;
      case wait_reason::condition:
        waiting = wait_kind::condition;
        break;
      case wait_reason::channel_push:
      case wait_reason::channel_pop:
        waiting = wait_kind::channel;
        break;
      case wait_reason::join:
        waiting = wait_kind::join;
        break;
      case wait_reason::sleep:
        waiting = wait_kind::sleep;
        break;
      case wait_reason::io_read:
        waiting = wait_kind::readable;
        detail = t->waiting_detail;
        break;
      case wait_reason::io_write:
        waiting = wait_kind::writable;
        detail = t->waiting_detail;
        break;
      case wait_reason::blocking_call:
        waiting = wait_kind::blocking_call;
        break;
    }
  }
  to.on_transition(transition{t->id, worker, s,
                              std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(),
                              waiting, detail});
}

__attribute__((cold, noinline)) void worker::report(thread_control* t, thread_state s) noexcept {
  report_transition(*observer_, t, s, index_);
}

void worker::attach(carrier& c) noexcept {
  carrier_ = &c;
  c.carried_index = index_;
  // release: the monitor reads it with acquire (carried_by) before it looks at c's state.
  monitored_carrier_.store(&c, std::memory_order_release);
  // This kernel thread owns the worker's core from now on (debug builds check it).
  owner_.bind();
  local_.bind_to_caller();
  timers_.bind_to_caller();
  if (views_.empty()) views_.assign(sched_.worker_count(), victim_view{});
}

bool worker::run() {
  while (thread_control* t = find_work()) {
    if (searching_) end_search();
    if (!run_thread(t)) return false;  // the worker is another carrier's now: touch nothing
  }
  return true;
}

bool worker::run_thread(thread_control* t) {
  carrier& c = *carrier_;  // on this carrier's stack: still valid if the worker moves meanwhile
  c.current = t;
  observe(t, thread_state::running);
  // Runs t, and the threads it switches to directly, until one switches back here.
  boost::context::detail::fcontext_t from = resume(c, t);
  thread_control* back = c.leaving;
  c.current = nullptr;
  back->context = from;
  if (c.pending.kind == after_switch::migrate) return false;  // c.leaving stays for the carrier
  c.leaving = nullptr;
  after_switch_out(back);
  return true;
}

void worker::park_current(after_switch kind, void* object) {
  carrier& c = *carrier_;
  thread_control* self = c.current;
  assert(self && "park_current: not called from a green thread");
  c.pending.kind = kind;
  c.pending.object = object;
  switch_away(c, self, choose_next());
}

void worker::park_current(after_switch kind, void* object,
                          std::chrono::steady_clock::time_point deadline) {
  carrier_->pending.deadline = deadline;
  park_current(kind, object);
}

thread_control* worker::choose_next() noexcept {
  thread_control* next = pick_local();
  carrier_->current = next;
  if (next) observe(next, thread_state::running);
  return next;
}

// after_switch_out(t) — t's context is saved; only now may t become visible to others. Runs
// on this worker's kernel thread: in the scheduler, or in the thread that t switched to.
void worker::after_switch_out(thread_control* t) {
  const pending_action& pending = carrier_->pending;
  switch (pending.kind) {
    case after_switch::exited:
      finish_thread(t, false);
      break;
    case after_switch::exited_joined:
      finish_thread(t, true);
      break;
    case after_switch::yielded:
      // Behind every other ready thread of this worker, and the next pick takes the oldest,
      // so every queued thread gets a turn. With the local queue empty, the FIFO list is that
      // place, and costs no atomic operation: threads that yield to each other then never touch
      // the stealable queue, whose pop from the oldest end is a CAS (with it, a yield took 17
      // more instructions, callgrind). Threads there are not stealable; the
      // fairness check publishes them when a worker sleeps (pick_local). Otherwise to the
      // local queue (stealable, but no sleeper is woken for it).
      observe(t, thread_state::ready);
      if (local_.size() == 0) {
        push_fifo(t);
      } else {
        push_local(t, /*notify=*/false);
      }
      pick_oldest_next_ = true;
      break;
    case after_switch::unlock:
      observe(t, thread_state::blocked);
      // release: the list's spinlock; from now on a waker may take t (its context is saved).
      release_parked_lock(static_cast<spinlock*>(pending.object));
      break;
    case after_switch::join: {
      observe(t, thread_state::blocked);
      auto* target = static_cast<thread_control*>(pending.object);
      std::uintptr_t expected = join_running;
      // acq_rel: release publishes t (the joiner) to the exiting thread's exchange in
      // finish_thread; acquire (on failure) pairs with that exchange's release of the result.
      if (!target->join_word.compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(t),
                                                     std::memory_order_acq_rel,
                                                     std::memory_order_acquire)) {
        make_ready(t);  // already terminated: no need to wait
      }
      break;
    }
    case after_switch::sleep:
      observe(t, thread_state::blocked);
      add_timer(pending.deadline, t);
      break;
    case after_switch::io_wait:
      observe(t, thread_state::blocked);
      park_on_io(t, static_cast<std::atomic<std::uintptr_t>*>(pending.object), pending.deadline);
      break;
    case after_switch::ring_wait:
      observe(t, thread_state::blocked);
      break;
    case after_switch::migrate:  // handled by the carrier, which has no worker any more
      assert(false && "after_switch_out: a migrating thread never arrives at a worker");
      break;
    case after_switch::carry_off:
      observe(t, thread_state::blocked);
      sched_.give_thread_to_spare(*static_cast<carrier*>(pending.object), t, index_);
      break;
  }
  // Completions are reaped only here and in the scheduler loop: where no thread of this
  // worker is between parking and its context being saved (ring.hpp, step 2).
  if (ring_ != nullptr && ring_->in_flight() != 0) [[unlikely]]
    reap_ring();
}

__attribute__((noinline)) void worker::reap_ring() {
  unsigned readied = 0;
  ring_->reap([&](thread_control* t) {
    observe(t, thread_state::ready);
    push_local(t, false);
    ++readied;
  });
  if (readied > 1) sched_.notify_work();  // the others may run elsewhere
}

// park_on_io(t, slot, deadline) — t's context is saved: publish it in its wait slot (the
// poller's protocol, poller.hpp), or, if readiness came while it switched out, run it again.
// Out of line and cold: it only runs for threads that wait on a socket.
__attribute__((noinline)) void worker::park_on_io(thread_control* t,
                                                  std::atomic<std::uintptr_t>* slot,
                                                  std::chrono::steady_clock::time_point deadline) {
  poller& p = sched_.io;
  p.count_parked();  // first, so that a waker's uncount can never come before it
  std::uintptr_t expected = io_idle;
  // release: publishes t's saved context; pairs with the acquire of poller::wake / claim.
  if (slot->compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(t),
                                    std::memory_order_release, std::memory_order_acquire)) {
    if (deadline != std::chrono::steady_clock::time_point::max()) timers_.add(deadline, t, true);
    return;
  }
  // The slot says `ready`: consume it; t retries its system call at once.
  p.uncount_parked();
  slot->store(io_idle, std::memory_order_relaxed);
  make_ready(t);
}

// prepare_exit(t) — if a joiner already waits, hand it the end of t now, so that t's last
// switch can go straight to it: the joiner goes to this worker's LIFO slot, which no other
// worker serves, so it cannot run (and recycle t's stack) before t has left that stack.
// Otherwise "done" may be published only after the switch (finish_thread): a joiner arriving
// meanwhile on another worker would recycle a stack still in use.
after_switch worker::prepare_exit(thread_control* t) noexcept {
  // acquire: pairs with the joiner's release CAS in after_switch_out (case join).
  std::uintptr_t word = t->join_word.load(std::memory_order_acquire);
  if (word == join_running || word == join_detached) return after_switch::exited;
  // A joiner is registered and parked: nobody else writes join_word any more.
  // release: publishes t->error and t's effects; pairs with the acquire load in join().
  t->join_word.store(join_done, std::memory_order_release);
  make_ready(reinterpret_cast<thread_control*>(word));
  return after_switch::exited_joined;
}

// finish_thread(t, joiner_served) — t's function returned and t left its stack: publish its
// end to the joiner (unless prepare_exit did), or recycle the stack of a detached thread.
// noinline, like add_timer: after_switch_out runs on every switch, and inlining its rarer
// cases made it save six registers on each (callgrind: 30 instructions per yield).
__attribute__((noinline)) void worker::finish_thread(thread_control* t,
                                                     bool joiner_served) noexcept {
  observe(t, thread_state::terminated);
  sanitizer::fiber_destroyed(&t->tsan_fiber);
  exited.bump();
  if (joiner_served) return;
  // acq_rel: release publishes t->error and every effect of t to the joiner (pairs with the
  // acquire load in thread::join or the CAS in after_switch_out); acquire pairs with the
  // joiner's release CAS that stored its control block.
  std::uintptr_t prev = t->join_word.exchange(join_done, std::memory_order_acq_rel);
  if (prev == join_detached) {
    recycle(t);
  } else if (prev != join_running) {
    make_ready(reinterpret_cast<thread_control*>(prev));
  }
}

// add_timer(deadline, t) — t sleeps in the timer heap until deadline. Out of line: see above.
__attribute__((noinline)) void worker::add_timer(std::chrono::steady_clock::time_point deadline,
                                                 thread_control* t) {
  timers_.add(deadline, t);
}

void worker::recycle(thread_control* t) noexcept {
  t->error = nullptr;
  if (t->stop.stop_possible()) t->stop = std::stop_source(std::nostopstate);
  sched_.stacks.release(stack_cache_, t);
}

bool worker::sched_injection_empty() const noexcept { return sched_.injection.empty(); }

void worker::make_ready(thread_control* t) noexcept {
  assert(owner_.held() && "worker::make_ready: not on the worker's kernel thread");
  observe(t, thread_state::ready);
  if (thread_control* old = lifo_) push_local(old, true);
  lifo_ = t;
}

void worker::schedule_new(thread_control* t) noexcept { push_local(t, true); }

// push_local(t, notify) — t goes to the local queue; half the queue overflows to the injection
// queue when full. Either way it is stealable work, so with `notify` a sleeping worker may be
// woken for it.
void worker::push_local(thread_control* t, bool notify) noexcept {
  local_pushes.bump();
  if (!local_.push(t)) [[unlikely]]
    overflow_to_injection(t);
  if (notify) sched_.notify_work();
}

// overflow_to_injection(t) — the local queue is full: move its older half, plus t, to the
// injection queue in one batch (Tokio). Out of line and cold, so that push_local, on every
// yield and wake-up, stays a few instructions with no registers to save.
__attribute__((cold, noinline)) void worker::overflow_to_injection(thread_control* t) noexcept {
  thread_control* first = t;
  thread_control* last = t;
  std::size_t n = 1;
  for (std::size_t i = 0; i < local_queue_capacity / 2; ++i) {
    thread_control* x = local_.pop_oldest();
    if (!x) break;
    last->next = x;
    last = x;
    ++n;
  }
  sched_.injection.push_batch(first, last, n);
  injection_pushes.add(n);
}

void worker::push_fifo(thread_control* t) noexcept {
  t->next = nullptr;
  if (fifo_tail_)
    fifo_tail_->next = t;
  else
    fifo_head_ = t;
  fifo_tail_ = t;
}

// publish_fifo() — move the FIFO list, oldest first, to the local queue, where thieves see it,
// and wake a sleeper for it. Cold: once per fairness check at most, only with a worker asleep.
__attribute__((cold, noinline)) void worker::publish_fifo() noexcept {
  while (thread_control* t = pop_fifo()) push_local(t, false);
  sched_.notify_work();
}

thread_control* worker::pop_fifo() noexcept {
  thread_control* t = fifo_head_;
  if (t) {
    fifo_head_ = t->next;
    if (!fifo_head_) fifo_tail_ = nullptr;
    t->next = nullptr;
  }
  return t;
}

thread_control* worker::take_from_injection() noexcept {
  thread_control* t = sched_.injection.pop();
  if (!t) return nullptr;
  for (unsigned i = 1; i < injection_batch; ++i) {
    thread_control* x = sched_.injection.pop();
    if (!x) break;
    if (!local_.push(x)) {
      sched_.injection.push(x);
      injection_pushes.bump();
      break;
    }
  }
  return t;
}

void worker::fire_timers() noexcept {
  auto now = std::chrono::steady_clock::now();
  for (timer_heap::timer due = timers_.pop_expired(now); due.thread != nullptr;
       due = timers_.pop_expired(now)) {
    thread_control* t = due.thread;
    if (due.io) {
      // A socket wait's deadline: wake t only if it still waits (it may have been woken by its
      // socket, and be running or parked elsewhere): claim it from its slot.
      std::atomic<std::uintptr_t>* slot = t->io_slot.load(std::memory_order_relaxed);
      if (slot == nullptr || !sched_.io.claim(*slot, t)) continue;
    }
    timer_fires.bump();
    observe(t, thread_state::ready);
    push_fifo(t);  // FIFO: sleepers wake in deadline order
  }
}

thread_control* worker::take_woken() noexcept {
  if (woken_.empty()) return nullptr;
  thread_control* first = woken_.front();
  observe(first, thread_state::ready);
  for (std::size_t i = 1; i < woken_.size(); ++i) {
    observe(woken_[i], thread_state::ready);
    push_local(woken_[i], false);
  }
  const bool more = woken_.size() > 1;
  woken_.clear();
  if (more) sched_.notify_work();  // the others may run elsewhere
  return first;
}

thread_control* worker::poll_io(int timeout_ms) {
  sched_.io.poll(timeout_ms, woken_);
  return take_woken();
}

// pick_local() — steps 0–4: a ready thread of this worker (or the injection queue), without
// searching or sleeping; nullptr when there is none. Also fires due timers.
thread_control* worker::pick_local() noexcept {
  assert(owner_.held() && "worker::pick_local: not on the worker's kernel thread");
  ++tick_;
  dispatches_.store(tick_, std::memory_order_relaxed);  // for thieves: worth_stealing
  if (!timers_.empty()) fire_timers();
  if (--fairness_countdown_ == 0) [[unlikely]] {  // a countdown, not tick_ % 61: no multiply
    if (thread_control* t = pick_for_fairness()) return t;
  }
  if (thread_control* t = lifo_) {
    // The streak test first: while it holds, the queues need not be looked at.
    if (lifo_streak_ < lifo_streak_limit || (local_.size() == 0 && fifo_head_ == nullptr)) {
      lifo_ = nullptr;
      ++lifo_streak_;
      lifo_runs.bump();
      return t;
    }
    lifo_ = nullptr;  // the guard: back of the line
    push_fifo(t);
  }
  return pick_queued();
}

// pick_for_fairness() — step 0, every fairness_interval picks. Out of line, like pick_queued:
// pick_local's common case (the LIFO slot) then saves no registers for the rarer ones.
__attribute__((noinline)) thread_control* worker::pick_for_fairness() noexcept {
  fairness_countdown_ = fairness_interval;
  // Threads in the FIFO list are invisible to thieves: with a worker asleep, publish them.
  if (fifo_head_ != nullptr && fifo_head_->next != nullptr && sched_.has_sleepers()) {
    publish_fifo();
  }
  if (thread_control* t = sched_.injection.pop()) return t;
  if (thread_control* t = pop_fifo()) return t;
  // Sockets too: with every worker busy nobody sleeps in the poller, and threads whose data
  // has arrived would wait for the next idle moment (Go's sysmon polls for the same reason).
  if (sched_.io.parked() != 0 && !sched_.io.someone_blocks()) return poll_io(0);
  return nullptr;
}

// pick_queued() — steps 2–4: the local queue, the FIFO list, the injection queue.
__attribute__((noinline)) thread_control* worker::pick_queued() noexcept {
  lifo_streak_ = 0;
  if (pick_oldest_next_) {
    // After a yield every other ready thread goes first: the injection queue's too (threads
    // back from a hand-off, or a local queue's overflow, wait there; without this they would
    // wait for the fairness tick, one per 61 picks), then the FIFO list (where the yielder
    // waits when the local queue was empty), then the local queue's oldest.
    pick_oldest_next_ = false;
    if (thread_control* t = sched_.injection.pop()) return t;
    if (thread_control* t = pop_fifo()) return t;
    // size() first: pop_oldest() on an empty queue still pays its CAS.
    if (local_.size() != 0) {
      if (thread_control* t = local_.pop_oldest()) return t;
    }
  }
  // size() first: pop() on an empty queue still pays its seq_cst store (an XCHG on x86).
  if (local_.size() != 0) {
    if (thread_control* t = local_.pop()) return t;
  }
  if (thread_control* t = pop_fifo()) return t;
  return take_from_injection();
}

// find_work() — the scheduler's search: pick_local, then steal (step 5), then sleep (step 6).
// Returns nullptr at shutdown.
thread_control* worker::find_work() {
  for (;;) {
    if (sched_.stopping()) return nullptr;
    if (ring_ != nullptr && ring_->in_flight() != 0) reap_ring();
    if (thread_control* t = pick_local()) {
      fresh_search_ = true;
      just_woke_ = false;
      return t;
    }
    // Nothing local: threads whose socket became ready, unless a worker already sleeps in the
    // poller (it hands them out as they come).
    if (sched_.io.parked() != 0 && !sched_.io.someone_blocks()) {
      if (thread_control* t = poll_io(0)) {
        fresh_search_ = true;
        just_woke_ = false;
        return t;
      }
    }
    if (thread_control* t = search()) {
      fresh_search_ = true;
      just_woke_ = false;
      return t;
    }
    if (sched_.stopping()) return nullptr;
    if (!timers_.empty() && timers_.next_deadline() <= std::chrono::steady_clock::now()) continue;
    park_worker();
  }
}

void worker::end_search() noexcept {
  searching_ = false;
  // The last searcher found work: there may be more, so make sure someone else looks (Go's
  // resetspinning → wakep).
  if (sched_.end_search()) sched_.notify_work();
}

// search() — steal from other workers for a while, as one of the "searching" workers. The
// caller (run) ends the search once it has a thread to run.
thread_control* worker::search() {
  const unsigned n = sched_.worker_count();
  if (!searching_) {
    if (!sched_.try_begin_search()) return nullptr;
    searching_ = true;
  }
  // A new search (after running threads or sleeping) looks at its victims afresh. A search
  // resumed after park_worker's re-check keeps its views: patience may exceed search_rounds.
  if (fresh_search_) {
    fresh_search_ = false;
    for (victim_view& view : views_) view.seen = false;  // first looks only observe
  }
  if (judging_steal_) {
    judging_steal_ = false;
    const bool paid = std::chrono::steady_clock::now() - stole_at_ >= steal_payoff;
    steal_patience_ =
        paid ? steal_signal_rounds : std::min(2 * steal_patience_, steal_patience_max);
  }
  for (unsigned round = 0; round < search_rounds; ++round) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    unsigned start = n > 1 ? rng_ % n : 0;
    for (unsigned i = 0; i < n; ++i) {
      unsigned v = (start + i) % n;
      if (v == index_) continue;
      if (!worth_stealing(v)) continue;
      std::size_t moved = 0;
      if (thread_control* t = sched_.worker_at(v).stealer().steal_half_into(local_, &moved)) {
        steals.bump();
        stolen.add(moved);
        judging_steal_ = true;
        stole_at_ = std::chrono::steady_clock::now();
        return t;
      }
    }
    if (thread_control* t = take_from_injection()) return t;
    if (sched_.stopping()) return nullptr;
    if (!timers_.empty() && timers_.next_deadline() <= std::chrono::steady_clock::now()) {
      return nullptr;
    }
    for (unsigned s = 0; s < spins_per_round; ++s) spin_pause();
  }
  return nullptr;  // still counted as searching; park_worker() stops that
}

// worth_stealing(v) — called once per search round for victim v: is v's queue not draining by
// itself (see the stealing policy at the top of this file)? Compares v now with what the
// previous round saw; true once that has held for steal_signal_rounds rounds in a row.
// The victim's ends and dispatch count are read relaxed, with no ordering: they only steer the
// decision, and steal_one's seq_cst loads and CAS decide what is actually taken.
bool worker::worth_stealing(unsigned v) noexcept {
  worker& victim = sched_.worker_at(v);
  victim_view now;
  victim.stealer().ends(&now.top, &now.bottom);
  now.dispatches = victim.dispatches();
  now.seen = true;
  victim_view& before = views_[v];
  const std::int64_t length = now.bottom - now.top;
  bool signal = false;
  if (length > 0 && before.seen) {
    if (length >= steal_anyway_size) {
      signal = true;
    } else if (now.dispatches == before.dispatches) {
      // Stuck in one thread. If that thread pushed meanwhile it is spawning: it will block or
      // finish soon and run what it spawned itself (the joiner runs its children).
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

// park_worker() — the sleeping side of the parking protocol (steps P1–P5, scheduler.cpp).
void worker::park_worker() {
  // An I/O timer whose thread its socket already woke would keep this worker from counting as
  // idle forever (and a finished run from ending): drop those first.
  timers_.drop_stale_io([](thread_control* t) {
    std::atomic<std::uintptr_t>* slot = t->io_slot.load(std::memory_order_relaxed);
    return slot != nullptr &&
           slot->load(std::memory_order_acquire) == reinterpret_cast<std::uintptr_t>(t);
  });
  // P0: with threads parked on sockets and nobody sleeping in the poller, this worker sleeps
  // there: it is then not idle forever, since an event may wake a thread.
  // With operations in flight on its ring, the worker sleeps there (their completions wake it).
  const bool in_ring = ring_ != nullptr && ring_->in_flight() != 0;
  const bool poll_here = !in_ring && take_blocking_poll();
  const bool forever = timers_.empty() && !poll_here && !in_ring;
  // P1: join the idle list (and maybe discover that the run is over).
  if (!sched_.enter_idle(*this, forever)) {
    if (poll_here) sched_.io.end_blocking_poll();
    return;
  }
  // P2: stop searching.
  if (searching_) {
    searching_ = false;
    sched_.end_search();
  }
  // P3: StoreLoad — pairs with step N2 of notify_work().
  store_load_fence();
  // P4: re-check for work published before our idle entry became visible.
  if (sched_.work_visible() || sched_.stopping()) {
    if (poll_here) sched_.io.end_blocking_poll();
    // Either way we search again and are counted as searching: by leave_idle, or by the
    // notifier that already took us out of the idle list (then consume its unpark).
    if (!sched_.leave_idle(*this)) parker_.park(std::chrono::steady_clock::time_point::max());
    searching_ = true;
    return;
  }
  // P5: sleep, until the next timer at most: in the poller (an event, a timer or an unpark
  // ends it), or on the futex.
  parks.bump();
  if (just_woke_) empty_wakeups.bump();  // the last wake-up found nothing to run
  just_woke_ = true;
  fresh_search_ = true;
  auto deadline = forever || timers_.empty() ? std::chrono::steady_clock::time_point::max()
                                             : timers_.next_deadline();
  const bool unparked = in_ring     ? parker_.park_in(*ring_, deadline)
                        : poll_here ? parker_.park_in(in_poller_, deadline)
                                    : parker_.park(deadline);
  if (poll_here) sched_.io.end_blocking_poll();
  if (!unparked) {
    // Timed out, or an event woke threads: leave the idle list (counted as searching again),
    // unless a notifier beat us to it (it counted us; consume its unpark).
    if (!sched_.leave_idle(*this)) parker_.park(std::chrono::steady_clock::time_point::max());
  }
  // Woken by notify_work (which counted us as searching) or by the above.
  searching_ = !sched_.stopping();
  if (thread_control* t = take_woken()) push_local(t, false);
  if (in_ring) reap_ring();
}

// take_blocking_poll() — true when this worker should sleep in the poller: threads are parked
// on sockets and no other worker sleeps there. The re-check of parked() after taking the poll
// pairs with poller::uncount (seq_cst both): either we see the count fall to zero, or the
// thread that made it fall sees us polling and interrupts the poll.
bool worker::take_blocking_poll() noexcept {
  poller& p = sched_.io;
  if (p.parked() == 0 || !p.begin_blocking_poll()) return false;
  if (p.parked() != 0) return true;
  p.end_blocking_poll();
  return false;
}

}  // namespace hybrid::detail
