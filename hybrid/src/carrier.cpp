// hybrid/src/carrier.cpp — a carrier's life (carrier.hpp): carry a worker, lose it, wait as a
// spare; and the slow half of entering the scheduler, where a thread finds its worker gone.
#include "carrier.hpp"

#include <unistd.h>

#include <cassert>

#include "scheduler.hpp"
#include "worker.hpp"

namespace hybrid::detail {

namespace {
thread_local carrier* tls_carrier = nullptr;
}  // namespace

// noinline, and the asm: a caller must not see where the value comes from, or GCC may keep the
// thread pointer (%fs) computed before a fiber switch and reuse it after (it assumes a function
// never changes kernel threads). Each call reads the variable anew.
__attribute__((noinline)) carrier* current_carrier() noexcept {
  asm volatile("" ::: "memory");
  return tls_carrier;
}

void carrier::run() {
  tls_carrier = this;
  tid.store(::gettid(), std::memory_order_relaxed);
  sanitizer::worker_started(sanitizer_state);
  alt_signal_stack alt;
  for (;;) {
    if (held == nullptr) {
      thread_control* alone = nullptr;
      if (!wait_as_spare(alone)) break;
      if (alone != nullptr) {
        carry_alone(alone);
        continue;
      }
    }
    worker& w = *held;
    w.attach(*this);
    if (w.run()) break;  // the run is over
    finish_migration();  // w is another carrier's now; the thread that ran here came back
  }
  tls_carrier = nullptr;
}

bool carrier::wait_as_spare(thread_control*& alone) {
  for (;;) {
    // acquire: pairs with the release store of the scheduler that gave it (give_to_spare,
    // give_thread_to_spare): everything the worker's or the thread's previous carrier did is
    // visible.
    if (worker* w = given.exchange(nullptr, std::memory_order_acquire)) {
      held = w;
      return true;
    }
    if (thread_control* t = given_thread.exchange(nullptr, std::memory_order_acquire)) {
      alone = t;
      return true;
    }
    if (sched_.stopping()) return false;
    spare_parker.park(std::chrono::steady_clock::time_point::max());
  }
}

void carrier::claim_for_self() noexcept {
  std::uint32_t expected = claim_none;
  while (!claim.compare_exchange_weak(expected, claim_taken, std::memory_order_acq_rel)) {
    expected = claim_none;
    spin_pause();
  }
}

void carrier::carry_alone(thread_control* t) {
  // No worker here: the thread's next entry into the scheduler must take the slow path, which
  // sends it back to the workers. A CAS, not a store: a monitor holding a stale view of this
  // carrier (it carried a worker before) may be between its own CAS and its withdrawal.
  claim_for_self();
  current = t;
  const boost::context::detail::fcontext_t from = resume(*this, t);
  current = nullptr;
  leaving->context = from;
  assert(pending.kind == after_switch::migrate && "carry_alone: the thread left another way");
  finish_migration();
}

void carrier::finish_migration() {
  thread_control* t = leaving;
  const unsigned index = carried_index;
  leaving = nullptr;
  pending = pending_action{};
  // First: the thread's new worker may want a spare at once. From here on another thread may
  // reserve this carrier and write its given/carried_index: read nothing of it after this.
  sched_.return_spare(this);
  sched_.migrate(t, index);
}

worker* enter_runtime_slow(carrier* c) {
  for (;;) {
    // acquire: pairs with the monitor's release store of its decision.
    const std::uint32_t v = c->claim.load(std::memory_order_acquire);
    if (v == claim_none) return c->held;
    if (v == claim_taken) break;
    spin_pause();  // claim_taking: the monitor decides within microseconds
  }
  // The worker is another carrier's now. This thread leaves this carrier for good: back to the
  // carrier's own stack, which queues it for the workers (finish_migration) and becomes a spare.
  thread_control* self = c->current;
  assert(self && "enter_runtime_slow: no green thread on this carrier");
  c->held = nullptr;
  c->claim.store(claim_none, std::memory_order_relaxed);
  c->pending = pending_action{after_switch::migrate, nullptr, {}};
  switch_away(*c, self, nullptr);
  // Resumed by a carrier that holds a worker and is in the scheduler (it cannot lose it there).
  return current_carrier()->held;
}

}  // namespace hybrid::detail
