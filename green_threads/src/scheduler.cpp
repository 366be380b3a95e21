// green_threads/src/scheduler.cpp — the fiber scheduler: design, and the two kinds of world.
//
// ============================================================================================
// DESIGN
// ============================================================================================
//
// The scheduler is Boost.Fiber's; this module chooses and wraps its scheduling algorithm and
// owns a world's life. Two algorithms, one per model:
//   round_robin    N:1, the model this module is about: one kernel thread, one FIFO queue.
//   work_stealing  M:N, the peer our own hybrid/ scheduler is measured against: M kernel
//                  threads, a queue each, idle ones stealing (work_stealing.hpp).
//
// The cast
// --------
//   boost::fibers::context    a fiber (and, per kernel thread, a pinned "main" context for the
//                             thread's own stack and a pinned "dispatcher" context that runs
//                             when no fiber can). Holds the suspended fiber's stack pointer and
//                             the hooks that link it into the queues below.
//   boost::fibers::scheduler  one per kernel thread (thread_local), created on first use. Owns
//                             the sleep queue, the terminated queue and the remote-ready queue,
//                             and asks the algorithm what to run.
//   the algorithm             round_robin (observed_round_robin when traced: round_robin.hpp)
//                             or ws_algorithm (work_stealing.hpp), one instance per kernel
//                             thread.
//   detail::world             per run: launch policy, stack allocator, worker count, and the
//                             census of live fibers that run waits on (detail/world.hpp).
//   stack_allocator           per run: pooled stacks, each with a guard page below it while the
//                             process's guard budget lasts (stack.hpp).
//   overflow_handler,         per run: a SIGSEGV handler, and an alternate signal stack on each
//   alt_signal_stack          kernel thread that runs fibers, so that a fiber running into its
//                             guard page is reported by number and aborts (overflow.hpp).
//
// The queues, and who may touch each
// ----------------------------------
// Every fiber of the world is in exactly one of these, or running on exactly one kernel thread.
//   ready queue     round_robin: one FIFO (round_robin::rqueue_), touched only by the world's
//                   kernel thread: awakened() appends, pick_next() pops the front; a fiber that
//                   yields goes behind every fiber ready now. work_stealing: one spinlocked
//                   FIFO per kernel thread: its owner pushes and pops, peers steal the oldest
//                   stealable (not pinned) context.
//   wait queues     one per mutex, condition variable, channel end and joined fiber, guarded
//                   by the primitive's spinlock (uncontended in an N:1 world).
//   sleep queue     per kernel thread, ordered by deadline; only its owner.
//   terminated      finished fibers whose stacks the scheduler releases on its next pass.
//   remote ready    per kernel thread, spinlocked: a fiber readied by another kernel thread
//                   (a notify from a fiber running elsewhere). Unused in an N:1 world.
// Orderings: a fiber moves between kernel threads only through a spinlocked queue (a ready
// queue's or a primitive's), so the lock's release/acquire orders everything the fiber did.
//
// States: where a fiber is and who owns it
// ----------------------------------------
//   created     spawned, never run: with launch::post it sits in a ready queue like a ready
//               fiber; with launch::dispatch (the default) it runs at once (observing.hpp).
//   ready       in one ready queue (or a remote-ready queue); nobody runs it, its stack is
//               not in use.
//   running     the active context of one kernel thread, which owns its stack.
//   blocked     linked into exactly one wait queue or the sleep queue; only the fiber that
//               unlinks it (under that queue's lock) may make it ready.
//   terminated  in the terminated queue until its scheduler releases it; join has returned
//               or will at once.
//
// Parking: how a fiber waits, and how a kernel thread idles
// ---------------------------------------------------------
// A fiber blocks by linking its context into a wait queue under the queue's spinlock and
// calling context::suspend(lock): the scheduler switches to the next context (boost::context's
// jump_fcontext saves the callee-saved registers and the stack pointer, loads the other's: no
// kernel entry) and only then releases the lock, so a waker, who must take the lock to find
// the fiber, cannot resume it before its registers are saved. A waker unlinks it and calls
// context::schedule, which hands it to its own scheduler's algorithm (awakened), or to that
// scheduler's remote-ready queue from another kernel thread. A kernel thread with nothing to
// run:
//   1. its dispatcher context finds the ready queue (and, work_stealing, every peer) empty;
//   2. it calls the algorithm's suspend_until(earliest sleep deadline, or "forever");
//   3. round_robin, and work_stealing with idle_policy::sleep, block the kernel thread on a
//      std::condition_variable until that deadline or notify() (a fiber readied from another
//      kernel thread); work_stealing with idle_policy::spin (Boost's default) returns at
//      once, and the dispatcher goes round again: a core stays busy.
// In an N:1 world "forever" means deadlock: nothing on another thread will wake it (a
// harness's watchdog reports it). A blocking system call blocks the whole kernel thread, and
// with it every fiber queued there: in an N:1 world, all of them.
//
// Blocking and hogs
// -----------------
// Boost.Fiber switches only when a fiber calls it, and nothing preempts: a fiber that computes
// without yielding keeps its kernel thread until it does, and a fiber that blocks in the kernel
// blocks its kernel thread. In an N:1 world that is every fiber (the fairness workload's ticker
// never runs beside hogs; blocking_io's compute thread stops while a blocker sleeps). The only
// escape is to take the call off the kernel thread: blocking(fn) (blocking.cpp) queues fn for
// the world's helper pool (kernel threads created on demand, up to options::blocking_threads)
// and parks the calling fiber on a fiber future; the helper's set_value makes it ready through
// the scheduler's remote-ready queue, which wakes the world's kernel thread if it sleeps
// (suspend_until's notify). Each call pays a helper's futex wake-up there and a remote wake-up
// back: microseconds, against a blocking call's milliseconds. Hogs have no escape but to yield.
//
// Migration
// ---------
// round_robin: none. Every fiber lives and dies on the world's one kernel thread, so
// thread_local variables are stable within a fiber, and the world uses one core.
// work_stealing: awakened() detaches every non-pinned fiber from its scheduler, so a thief may
// attach it to its own; a fiber may therefore resume on another kernel thread after any yield
// or blocking call, and a thread_local read before it may be another thread's after it. The
// main and dispatcher contexts are pinned and never move.
//
// Shutdown
// --------
//   round_robin (run_round_robin below):
//   1. the world's kernel thread joins the body fiber (its exception is kept for later);
//   2. it waits on the census until every spawned fiber has finished, joined or not;
//   3. it unbinds the world and exits; thread exit destroys the scheduler, which releases the
//      terminated fibers and with them their stacks; the last stack gives back the pool;
//   4. run joins the kernel thread and rethrows body's exception, if any.
//   work_stealing (run_work_stealing below): as above on kernel thread 0; then it sets `done`
//   under a fiber mutex and notifies the other kernel threads' main contexts, which until then
//   waited on a fiber condition variable (so their dispatchers kept running and stealing);
//   every kernel thread exits and run joins them all. If creating kernel thread k fails, the
//   ones already created are told to leave before joining the team, and run rethrows.
//
// Counting
// --------
// run returns the world's stats (scheduler.hpp). Each algorithm instance counts what it sees
// (pushes, steals, idle passes, parks and how they ended) in plain fields of its own,
// and spawn counts on the calling kernel thread's instance; an instance adds its counts to the
// world's stats_sink when it is destroyed: round_robin at its thread's exit, before run's join;
// work_stealing when run_ws_world drops the team, after every kernel thread and helper is
// joined. run reads the sink after that (counting.hpp).
//
// Rejected alternatives
// ---------------------
//   * Running a world on the calling kernel thread: Boost's scheduler and algorithm stay
//     installed on a thread for its lifetime, so a later world of the other algorithm on the
//     same thread would inherit a stale one; fresh threads per run cost tens of µs, once.
//   * A round-robin of our own to report state transitions: observed_round_robin derives from
//     Boost's and only adds the reports, so the policy measured is Boost's, and an unobserved
//     world installs Boost's round_robin itself (not even a branch per decision).
//   * Boost's work_stealing class itself: it cannot run twice in one process, and a fiber that
//     never blocks hides the fibers queued behind it from thieves (work_stealing.hpp).
//   * launch::post by default: spawning breadth-first keeps every leaf of a spawn tree alive
//     at once (runtime.hpp, launch_policy, has the skynet figures).
//   Known limit: with a FIFO ready queue even launch::dispatch keeps much of a spawn tree
//   alive (the oldest waiting ancestor resumes first), which costs skynet most of its time in
//   stack page faults. A "run next" slot for the parent of a just-finished child (Go's
//   runnext) would make trees run depth-first; hybrid/ has one.
// ============================================================================================
#include <atomic>
#include <cstdint>
#include <exception>
#include <latch>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/assert.hpp>
#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/operations.hpp>

#include <green_threads/runtime.hpp>
#include <green_threads/scheduler.hpp>
#include <green_threads/thread.hpp>

#include "counting.hpp"
#include "helper_pool.hpp"
#include "overflow.hpp"
#include "round_robin.hpp"
#include "work_stealing.hpp"

namespace green_threads::detail {

namespace {

// fiber_launch(p) — Boost's launch policy for ours.
boost::fibers::launch fiber_launch(launch_policy p) noexcept {
  return p == launch_policy::dispatch ? boost::fibers::launch::dispatch
                                      : boost::fibers::launch::post;
}

// run_body(w, policy, invoke, body) — on a kernel thread bound to w: body as the world's first
// fiber, joined; then wait for every other fiber. Returns body's exception, if any.
std::exception_ptr run_body(world& w, boost::fibers::launch policy, void (*invoke)(void*),
                            void* body) {
  std::exception_ptr error;
  try {
    thread first = spawn_with(policy, [invoke, body] { invoke(body); });
    first.join();
  } catch (...) {
    error = std::current_exception();
  }
  w.live.wait_until_empty();
  return error;
}

// run_round_robin(o, invoke, body) — the N:1 world: one fresh kernel thread (shutdown steps in
// the essay). Its algorithm adds its counts to `counted` at that thread's exit, before the join.
stats run_round_robin(const options& o, void (*invoke)(void*), void* body) {
  std::exception_ptr error;  // written by the world's thread, read after join
  stats_sink counted;        // outlives the algorithm (destroyed at the thread's exit)
  observation watched(o.observer);
  poller io;
  helper_pool helpers(o.blocking_threads);              // outlives the world's fibers
  const stack_allocator stacks(o.stack, o.stack_size);  // a copy, to read its count after
  std::thread kernel_thread([&] {
    alt_signal_stack alt;  // before the first fiber runs; given back after the last ends
    if (hooks_compiled && o.observer != nullptr) {
      boost::fibers::use_scheduling_algorithm<polling_round_robin<true>>(&watched, &io, &counted);
    } else {
      boost::fibers::use_scheduling_algorithm<polling_round_robin<false>>(nullptr, &io, &counted);
    }
    world w{fiber_launch(o.launch), stacks, 1, {}, &io, &helpers};
    world_binding binding(w, 0);
    error = run_body(w, w.launch, invoke, body);
  });
  kernel_thread.join();
  if (error) std::rethrow_exception(error);
  stats s = counted.total();
  s.workers = 1;
  s.unguarded_stacks = stacks.unguarded_stacks();
  return s;
}

// run_ws_world(o, invoke, body, counted) — the M:N world: M fresh kernel threads, each with its
// own ws_algorithm; kernel thread 0 runs body (shutdown steps in the essay). The team keeps
// every algorithm alive until this function returns, after the helpers are joined (a helper
// may still be inside an algorithm's notify() when the fiber it woke has ended); each
// algorithm then adds its counts to `counted`. Returns the stacks carved without a guard page.
std::uint64_t run_ws_world(const options& o, void (*invoke)(void*), void* body,
                           stats_sink& counted) {
  const unsigned m = worker_count(o);
  ws_team team(m);
  std::optional<observation> watched;
  if (hooks_compiled && o.observer != nullptr) watched.emplace(o.observer);
  observation* const observed = watched ? &*watched : nullptr;
  // A pool shared by every kernel thread: a fiber may end on another thread than its creator's.
  helper_pool helpers(o.blocking_threads);  // outlives the world's fibers
  world w{fiber_launch(o.launch),
          stack_allocator(o.stack, o.stack_size, true),
          m,
          {},
          nullptr,
          &helpers};
  boost::fibers::mutex done_mutex;
  boost::fibers::condition_variable done_cv;
  bool done = false;         // guarded by done_mutex
  std::exception_ptr error;  // written by kernel thread 0, read after the joins

  // Every kernel thread waits on `started` before joining the team (whose constructor waits
  // for all M), so that if creating one fails (EAGAIN at the process's thread limit) the ones
  // already created can be told to leave instead of waiting forever.
  std::latch started(m);
  std::atomic<bool> aborted = false;

  auto worker = [&](unsigned id) {
    started.arrive_and_wait();
    // relaxed: ordered by the latch (count_down releases, arrive_and_wait acquires).
    if (aborted.load(std::memory_order_relaxed)) return;
    alt_signal_stack alt;  // every kernel thread may run any fiber: each needs its own
    boost::fibers::use_scheduling_algorithm<ws_algorithm>(team, id, o.idle == idle_policy::sleep,
                                                          &counted, observed);
    world_binding binding(w, id);
    if (id == 0) {
      // post, not dispatch: with dispatch this thread's main context (pinned: it can never
      // migrate) would wait in the ready queue in front of body, hiding it from thieves for
      // as long as body's first child ran without blocking.
      error = run_body(w, boost::fibers::launch::post, invoke, body);
      {
        std::lock_guard lock(done_mutex);
        done = true;
      }
      done_cv.notify_all();
    } else {
      std::unique_lock lock(done_mutex);
      done_cv.wait(lock, [&] { return done; });
    }
  };

  std::vector<std::thread> threads;
  threads.reserve(m);
  for (unsigned id = 0; id < m; ++id) {
    try {
      threads.emplace_back(worker, id);
    } catch (...) {  // std::system_error (EAGAIN): report it after releasing the others
      aborted.store(true, std::memory_order_relaxed);
      started.count_down(m - id);
      for (auto& t : threads) t.join();
      throw;
    }
  }
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return w.stacks.unguarded_stacks();
}

// run_work_stealing(o, invoke, body) — run_ws_world, and the counts its algorithms added.
stats run_work_stealing(const options& o, void (*invoke)(void*), void* body) {
  stats_sink counted;  // outlives every algorithm of the world
  const std::uint64_t unguarded = run_ws_world(o, invoke, body, counted);
  stats s = counted.total();
  s.workers = worker_count(o);
  s.unguarded_stacks = unguarded;
  return s;
}

}  // namespace

stats run_world(const options& o, void (*invoke)(void*), void* body) {
  BOOST_ASSERT_MSG(current_world() == nullptr, "green_threads::run: runs do not nest");
  overflow_handler on_overflow;  // installed by the first world of the process to run
  if (o.scheduling == algorithm::work_stealing) return run_work_stealing(o, invoke, body);
  return run_round_robin(o, invoke, body);
}

}  // namespace green_threads::detail

namespace green_threads {

unsigned worker_id() noexcept { return detail::current_worker(); }

unsigned worker_count() noexcept {
  const detail::world* w = detail::current_world();
  return w != nullptr ? w->workers : 0;
}

}  // namespace green_threads
