// hybrid/src/carrier.hpp — a kernel thread that carries a worker (Go's M; the worker is its P).
//
// A worker (worker.hpp) is the scheduling context: queues, timers, stacks, its ring. A carrier
// is the kernel thread running it, with what belongs to the kernel thread itself: the green
// thread it is running now, its own stack's context (where the worker loop runs), and the request
// a thread leaves on its way out. Normally M carriers carry M workers for the whole run. The
// monitor (monitor.hpp) may take a worker away from a carrier stuck for long inside one green
// thread (a CPU hog, or a blocking system call) and give it to a spare carrier, so that the
// worker's other threads run on. The stuck carrier goes on running its thread alone, without a
// worker, like a 1:1 kernel thread; at the thread's next call into the scheduler the carrier
// hands the thread over (to the injection queue) and becomes a spare itself.
//
// The hand-off protocol, between a carrier C and the monitor (the essay's "Blocking and hogs"):
//   C, entering the scheduler from its green thread (runtime_scope, below), stores
//   in_user = false, then reads claim. Only a compiler barrier separates the two: the
//   StoreLoad fence this needs is supplied by the monitor's membarrier() instead (an
//   asymmetric fence: the cheap side is the hot one, paid at every scheduler call).
//   The monitor stores claim = taking, calls membarrier() (every running thread of the process
//   passes a full barrier), then reads in_user and the worker's dispatch count again. Either C's
//   store came first, and the monitor sees C in the scheduler and withdraws (claim = none), or
//   C's read comes after the barrier and sees `taking`: C waits until the monitor decides. So
//   the monitor takes a worker only from a carrier that is in user code and will find out at
//   its next entry, and C never touches a worker that is no longer its own.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include <boost/context/detail/fcontext.hpp>

#include "parker.hpp"
#include "sanitizer.hpp"
#include "thread_control.hpp"

namespace hybrid::detail {

class scheduler;
class worker;

// after_switch — what a thread asks once its context is saved.
enum class after_switch : std::uint8_t {
  exited,         // the thread terminated: publish it to its joiner, maybe recycle the stack
  exited_joined,  // the thread terminated and already handed its result to its joiner
  yielded,        // requeue it behind the others
  unlock,         // it is in a wait list: release that list's spinlock (object)
  join,           // wait for thread `object` to terminate
  sleep,          // put it in the timer heap until `deadline`
  io_wait,        // park it in socket wait slot `object` (poller.hpp), until `deadline` at most
  ring_wait,      // it submitted an operation to this worker's ring: blocked until it completes
  migrate,        // its carrier lost its worker: queue it where any worker will find it
  carry_off,      // it called blocking(fn): spare carrier `object` runs it without a worker
};

// pending_action — the request a thread leaves in its carrier before switching away.
struct pending_action {
  after_switch kind = after_switch::exited;
  void* object = nullptr;
  std::chrono::steady_clock::time_point deadline{};
};

// The values of carrier::claim.
inline constexpr std::uint32_t claim_none = 0;
inline constexpr std::uint32_t claim_taking = 1;  // the monitor is deciding
inline constexpr std::uint32_t claim_taken = 2;   // the worker belongs to another carrier now

class carrier {
 public:
  carrier(scheduler& s, unsigned index) noexcept : sched_(s), index_(index) {}
  carrier(const carrier&) = delete;
  carrier& operator=(const carrier&) = delete;

  // run() — the kernel thread's life: carry the worker it holds until the run ends or the
  // worker is taken away; without one, wait as a spare until given one. Precondition: on this
  // carrier's own kernel thread, once.
  void run();

  unsigned index() const noexcept { return index_; }
  scheduler& sched() noexcept { return sched_; }

  // ---- this kernel thread only ---------------------------------------------------------------
  worker* held = nullptr;             // the worker it carries; nullptr for a spare
  thread_control* current = nullptr;  // the green thread running on it; read by the SIGSEGV
                                      // handler
  boost::context::detail::fcontext_t native = nullptr;  // its own stack, while a thread runs
  pending_action pending;                               // what the thread that just left asked for
  thread_control* leaving = nullptr;  // that thread, until whoever arrives handles it
  sanitizer::scheduler_side sanitizer_state;
  unsigned carried_index = 0;  // the index of the worker it carried last (reports)

  // ---- the hand-off protocol (file comment) --------------------------------------------------
  // in_user — true while a green thread runs user code on it; false in the scheduler (its loop,
  // or a call into it). Written by this kernel thread only; read by the monitor.
  std::atomic<bool> in_user{false};
  // claim — claim_none, claim_taking or claim_taken; see the file comment.
  std::atomic<std::uint32_t> claim{claim_none};
  // tid — the kernel thread's id, for the monitor's look at /proc/self/task/TID/stat.
  std::atomic<pid_t> tid{0};
  // given — the worker the monitor gives this spare; given_thread — or the thread it is to run
  // alone (blocking(fn)). Written before spare_parker.unpark().
  std::atomic<worker*> given{nullptr};
  std::atomic<thread_control*> given_thread{nullptr};
  parker spare_parker;  // a spare sleeps here

 private:
  // wait_as_spare(alone) — park until given a worker (true, held set), or a thread to run
  // alone (true, `alone` set), or the run ends (false).
  bool wait_as_spare(thread_control*& alone);
  // carry_alone(t) — run t, which called blocking(fn), with no worker: until its next entry into
  // the scheduler, which sends it back to the workers (enter_runtime_slow).
  void carry_alone(thread_control* t);
  // claim_for_self() — set claim to claim_taken, waiting out a monitor that is deciding (it
  // withdraws: this carrier is in the scheduler). Every later entry takes the slow path.
  void claim_for_self() noexcept;
  // finish_migration() — the worker was taken while a thread ran here: the thread came back to
  // this carrier's own stack (after_switch::migrate); queue it for the workers.
  void finish_migration();

  scheduler& sched_;
  const unsigned index_;
};

// current_carrier() — the carrier of the calling kernel thread, or nullptr outside a run.
// Deliberately not inlined (see worker.cpp): a green thread may resume on another carrier, and
// the compiler must not reuse a thread_local address computed before a switch.
carrier* current_carrier() noexcept;

// enter_runtime_slow(c) — the cold half of enter_runtime: the monitor is deciding, or c holds no
// worker any more (taken by the monitor, or c runs a blocking(fn) call alone). Returns the worker
// the calling thread may use now: c's own, or, after the thread moved, its new carrier's.
worker* enter_runtime_slow(carrier* c);

// enter_runtime() — a green thread enters the scheduler: returns the worker it may use until
// leave_runtime(). The fast path is a store, a compiler barrier and a load (file comment).
inline worker* enter_runtime() {
  carrier* c = current_carrier();
  c->in_user.store(false, std::memory_order_relaxed);
  asm volatile("" ::: "memory");  // the CPU side of this StoreLoad is the monitor's membarrier()
  if (c->claim.load(std::memory_order_relaxed) != claim_none) [[unlikely]]
    return enter_runtime_slow(c);
  return c->held;
}

// leave_runtime() — back to user code, on whichever carrier the thread is on now. release: the
// worker's state the scheduler wrote is published to a monitor that reads in_user == true (with
// acquire) before it hands the worker to another carrier.
inline void leave_runtime() noexcept {
  current_carrier()->in_user.store(true, std::memory_order_release);
}

// runtime_scope — enter_runtime() for the scope of a call into the scheduler from a green thread
// (every entry point of thread.cpp, sync.cpp, net.cpp). Not nested: internal calls use worker
// members directly. worker() is valid until the first switch; after one, use current_worker().
class runtime_scope {
 public:
  runtime_scope() : worker_(enter_runtime()) {}
  ~runtime_scope() { leave_runtime(); }
  runtime_scope(const runtime_scope&) = delete;
  runtime_scope& operator=(const runtime_scope&) = delete;
  worker& held() const noexcept { return *worker_; }

 private:
  worker* worker_;
};

}  // namespace hybrid::detail
