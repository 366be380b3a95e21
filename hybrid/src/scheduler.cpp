// hybrid/src/scheduler.cpp — the M:N scheduler: the design essay, the parking protocol, run and
// shutdown.
//
// ============================================================================================
// DESIGN
// ============================================================================================
//
// The cast
// --------
//   thread_control  a green thread (Go's G): its saved context, its state, its join word. It
//                   lives at the top of its own pooled stack (stack_pool.hpp), so spawning is
//                   one pool pop and allocates nothing.
//   worker          a scheduling context (Go's P): LIFO slot, local queue, FIFO list, timers,
//                   stack cache, ring. Touched only by the carrier that holds it (worker.hpp).
//   carrier         a kernel thread (Go's M), carrying at most one worker (carrier.hpp): the
//                   green thread it runs now, its own stack's context, the request a leaving
//                   thread makes. M carriers carry the M workers; spare carriers wait, parked,
//                   for a worker the monitor takes from a stuck carrier, or for a thread that
//                   calls blocking(fn) (Blocking and hogs, below).
//   monitor         a kernel thread that notices workers stuck inside one thread (monitor.hpp).
//   scheduler       what the workers share (this file): the injection queue, the stack pool,
//                   the idle list and the searching/sleeping counts, the spare carriers.
//   parker          the futex a worker sleeps on (parker.hpp), or the poller or ring it sleeps
//                   in instead.
//   poller          the netpoller (poller.hpp): one epoll instance per scheduler, through which
//                   threads waiting on sockets are woken (I/O, below).
//   ring            with the io_uring back end, one per worker (ring.hpp).
//
// The queues, and who may touch each
// ----------------------------------
//   LIFO slot        one per worker; owner only. The thread most recently woken by a thread
//                    running on that worker: a message's receiver runs next, on the same core,
//                    with the sender's data still in cache (pingpong). Not stealable. A guard
//                    (lifo_streak_limit) stops two threads that keep waking each other from
//                    starving the rest.
//   local queue      one per worker; bounded Chase–Lev deque (run_queue.hpp). The owner pushes
//                    and pops at the bottom (LIFO: spawn trees run depth-first, so few threads
//                    are alive at once); any worker steals half from the top (the oldest),
//                    but only from a queue that is not draining by itself (Migration, below).
//   FIFO list        one per worker; owner only; FIFO. Threads whose timer fired (in deadline
//                    order) and threads the LIFO guard sent to the back. A yielding thread goes
//                    to the local queue instead, and the worker then takes the oldest thread.
//   timer heap       one per worker; owner only. Sleeping threads by deadline.
//   injection queue  global, mutex + FIFO. The body's thread and local-queue overflow.
//   wait lists       one per primitive (mutex, condition, channel), under its spinlock; the
//                    join word of each thread (a lock-free one-waiter "list").
// A thread is in exactly one of these, or running on exactly one worker.
//
// Orderings: moving a thread between queues is a hand-off. The pushing side's release (local
// queue bottom store, injection mutex, spinlock unlock) pairs with the taking side's acquire,
// so the plain fields of thread_control (context, state, ...) need no atomics. Each non-relaxed
// ordering in the code names its partner. The seq_cst operations are StoreLoad points: in the
// deque (Chase–Lev's owner-vs-thief race on the last item) and in the parking protocol below,
// where acquire/release cannot order a store before a later load of another variable.
//
// States: where a thread is and who owns it
// ------------------------------------------
//   created     spawned, never run: in one worker's local queue (or the injection queue) like a
//               ready thread; its function object is already on its own stack.
//   ready       in exactly one run queue (a LIFO slot, a local queue, a FIFO list or the
//               injection queue); no worker runs it and nobody owns its stack.
//   running     on exactly one worker, which owns its stack and its control block's plain
//               fields.
//   blocked     in exactly one wait list (under that primitive's spinlock), a join word or a
//               timer heap; only the thread that takes it out may make it ready.
//   terminated  its function returned or threw; its stack waits for join (or, detached, goes
//               straight back to the pool).
// thread_control::state holds the state; the deadlock report reads it (observer.hpp has the
// same list for users).
//
// Parking: how a thread waits, and how an idle worker sleeps without losing a wake-up
// -----------------------------------------------------------------------------------
// A thread waits by putting a wait_node for itself in a primitive's list under the list's
// spinlock and calling park_and_unlock: its worker releases the spinlock only once the
// thread's context is saved (Migration, below), so a waker, which must take the spinlock to
// find the node, can never resume a thread still running. A stop request (std::stop_token)
// takes the node out under the same spinlock (detail/park.hpp, cancel_wait).
//
// Problem: a worker that finds nothing should sleep (an idle scheduler uses no CPU), but work
// published just as it decides to sleep must still be run. Go's solution, which we follow:
// "searching" (spinning) workers look for work before sleeping, at most half the workers
// search at once, and whoever publishes work wakes a sleeper only if nobody is searching.
//
// Publishing work (notify_work, after a push to a local queue or the injection queue):
//   N1. publish the thread (release store of the deque's bottom, or the injection mutex);
//   N2. StoreLoad fence (seq_cst)                                   <-- pairs with P3
//   N3. if some worker is searching, stop: it will see the work (it re-checks at P4);
//   N4. if no worker sleeps, stop: every worker is busy and looks at the queues before it
//       sleeps;
//   N5. take a sleeper out of the idle list, count it as searching, unpark it.
//
// Going to sleep (worker::park_worker, after find_work found nothing):
//   P1. enter the idle list (under idle_mutex_, sleeping_ += 1); if that makes every worker
//       idle with no timer pending, the run is over (see Shutdown);
//   P2. stop searching (searching_ -= 1);
//   P3. StoreLoad fence (seq_cst)                                   <-- pairs with N2
//   P4. re-check every local queue and the injection queue; if work is visible, leave the
//       idle list and search again;
//   P5. park on the futex, until the next timer at most.
//
// Why no wake-up is lost: take a thread published at N1 while a worker W goes to sleep. The
// two fences are totally ordered. If N2 comes first, W's re-check at P4 (after P3) sees the
// thread. If P3 comes first, the notifier's loads at N3/N4 see W's P1/P2 stores: searching_ no
// longer counts W and sleeping_ does, so N5 wakes a sleeper (W or another, which then
// searches every queue). If N3 saw another searcher S, the same argument applies to S's own
// P2–P4. A wake-up that reaches W between P4 and P5 is kept by the parker (its word is left
// "notified"), so P5 returns at once.
//
// I/O: threads that wait on sockets, and workers that poll
// --------------------------------------------------------
// A socket read that would block must park the thread, not the worker (net.hpp). The netpoller
// lives in the scheduler, one epoll instance for all workers, because a parked thread may be
// resumed on any worker: with one epoll per worker, a thread that migrated would have to
// re-register its socket (an epoll_ctl per migration) or be woken across workers anyway. One
// set also means one worker at a time can sleep in it. Go makes the same choice.
//
// Parking a thread on a socket (net.cpp, worker.cpp; the slot protocol is in poller.hpp):
//   I1. the thread tries the system call; on EAGAIN it takes a pending `ready` from the
//       direction's wait slot and retries, or parks (after_switch::io_wait);
//   I2. its worker, once the context is saved, counts it parked (poller::count_parked) and
//       CASes the slot idle -> thread (release). Finding `ready` instead, it runs it again. A
//       deadline becomes an I/O timer in this worker's heap;
//   I3. a waker (an epoll event, that timer, or close()) CASes the slot thread -> idle and makes
//       the thread ready; the CAS picks one winner, and the thread always retries its call.
// Polling, woven into the worker loop (Go's findrunnable):
//   Q1. a worker polls with timeout 0 in find_work before it steals, and at the fairness tick
//       of pick_local (so that sockets are served even when no worker is ever idle); only when
//       threads are parked on sockets and no worker sleeps in the poller;
//   Q2. P0, before P1: a worker about to sleep while threads are parked on sockets and no other
//       worker holds the poller takes the "blocking poll" and sleeps in epoll_wait instead of
//       its futex (P5), until the next timer at most. It is then not idle forever: an event may
//       yet wake a thread. The threads an event wakes go to its own queue, the rest of their
//       batch is published (N1-N5) for others;
//   Q3. an unpark (N5, shutdown) reaches a worker in epoll_wait through the parker: the same
//       CAS that decides "asleep" records "asleep in the poller", and unpark then writes the
//       poller's eventfd instead of waking the futex. The no-lost-wake-up argument above is
//       unchanged: the poll is just another place to sleep at P5;
//   Q4. when the last parked thread is woken by something other than the poll (a timer,
//       close()), the sleeper in epoll_wait would wait for nothing: uncount_parked interrupts
//       it. seq_cst on the count and on the blocking-poll flag, both sides store then load:
//       either the taker sees the count at zero, or the uncounter sees the flag and interrupts.
// Stale deadlines: a read that its data beat leaves an I/O timer behind. A worker drops such
// timers before it sleeps (P0), and when every worker is idle but some only until a timer,
// those are woken to drop theirs (scheduler::enter_idle), so a run ends with its last thread,
// not at a deadline nobody waits for.
//
// The io_uring back end (options::io) has one ring per worker instead (ring.hpp): a thread
// submits its operation to the ring of the worker it runs on, which alone reaps it, so a ring
// has one submitter and one reaper and needs no lock (a shared ring is the contention Go's
// io_uring discussion worries about). A worker with operations in flight sleeps in its ring,
// not on its futex; unpark reaches it through an eventfd the ring always reads (Q3 again). The
// price of per-worker rings: a completion waits for its own worker's next switch, where the
// epoll back end lets any worker poll.
//
// Blocking and hogs: when a thread keeps its worker
// -------------------------------------------------
// A worker switches threads only when its thread calls the scheduler. A thread that blocks in
// the kernel (a raw read(2), nanosleep, a library that waits) or computes without calling it (a
// hog) holds its carrier, and every thread queued on that worker waits: the N:1 model's stall,
// on one worker of M. Go answers with sysmon, which retakes the P of an M in a system call, and
// with signal-based preemption. We answer with the carrier/worker split and a monitor.
//
// The monitor (monitor.cpp), a kernel thread, wakes every options::monitor_period (1 ms) while
// any worker is awake, and sleeps while all are idle (the first to leave the idle list wakes
// it): an idle scheduler still uses no CPU. Each time, for each worker:
//   H1. it reads the worker's dispatch count (bumped at every thread switch) and its carrier's
//       in_user flag (false while the carrier runs scheduler code). Progress, or a carrier in
//       the scheduler: nothing is stuck;
//   H2. the same thread in user code for options::handoff_after (10 ms), or for one period
//       when the carrier's kernel task sleeps (state S or D in /proc/self/task/TID/stat: a
//       blocking system call), is stuck: the monitor takes the worker (H3);
//   H3. it reserves a spare carrier, CASes the stuck carrier's claim none -> taking, calls
//       membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), and reads in_user and the dispatch count
//       again. Still stuck: it counts the thread as carried off, stores claim = taken
//       (release) and gives the worker to the spare (given, then unpark). Otherwise it stores
//       claim = none and returns the spare;
//   H4. the stuck carrier runs its thread on alone, with no worker, and the kernel time-slices
//       it against the rest as it does 1:1 threads. At the thread's next call into the
//       scheduler, enter_runtime finds the claim set: the thread jumps to its carrier's own
//       stack (after_switch::migrate), which queues it in the injection queue (N1-N5) and
//       parks as a spare.
// Why the hand-off is safe: a worker's private state has one owner, the carrier holding it,
// and that carrier touches it only from scheduler code (its loop, or between enter_runtime and
// leave_runtime in a thread's call). The claim decides when ownership passes. The carrier
// entering the scheduler stores in_user = false, then loads claim; the monitor stores claim =
// taking, then loads in_user. That is Dekker's pattern, which needs a StoreLoad fence on both
// sides; the carrier's side, paid at every scheduler call, has only a compiler barrier, and
// the monitor's membarrier() makes every running thread of the process execute a full barrier
// in its place (an asymmetric fence). So either the monitor sees in_user == false and
// withdraws, or the carrier's load sees taking/taken and it waits for the decision and leaves.
// The thread being run is not the worker's: current, the native context and the pending
// request live in the carrier (carrier.hpp), so the stuck carrier keeps what it needs and the
// spare starts from the worker's queues. A run is not over while a thread runs on a carrier
// without a worker (carried_off_, Shutdown).
//
// blocking(fn) moves the thread instead of the worker: the thread parks with
// after_switch::carry_off, and whoever arrives on its carrier hands it to a spare (given_thread),
// which resumes it on its own kernel thread; fn runs there, on the thread's stack. The worker
// does not wait for any kernel thread to wake: it only switches threads. After fn the thread
// stays alone until its next call into the scheduler, then comes back as in H4; so a loop of
// blocking calls costs what it costs on 1:1 threads, and code the thread runs between a
// blocking call and its next scheduler call runs beside the M workers. At most M workers run
// green threads at once; threads running alone are the exception this section creates.
//
// What it costs: on the hot path, each scheduler call from a thread stores in_user twice and
// loads claim: no fence, no atomic read-modify-write. The monitor: a wake-up per millisecond
// while any worker is busy, two loads per worker each time, a /proc read only for a worker
// already stuck for a period. A hand-off: a membarrier (an IPI to each CPU running one of our
// threads), a spare's futex wake-up, and later the thread's trip through the injection queue.
// What it cannot do: preempt a green thread on its own worker. A hog keeps its kernel thread;
// the monitor moves everything else away from it, after handoff_after, and the kernel then
// shares the cores among the hog and the workers. A latency-sensitive thread queued behind a
// hog waits up to handoff_after plus a kernel time slice.
// Signal-based preemption (Go 1.14's: SIGURG to the kernel thread, and a switch inside the
// handler) was considered and not taken. Go can switch goroutines at an arbitrary instruction
// because its compiler records where that is safe. C++ code interrupted at an arbitrary
// instruction may hold malloc's lock or a lock inside a library, or be halfway through its
// own data: switching to another green thread on that kernel thread from the handler (which
// may run only async-signal-safe code) could deadlock on the first malloc or corrupt state.
// Without compiler-inserted safe points, moving the other threads away is what we can do safely.
//
// Migration, and what it means for thread_local
// ---------------------------------------------
// A thread runs on whichever worker takes it, and may move at any blocking call or yield:
// stolen from a local queue, woken into another worker's LIFO slot, or taken from the
// injection queue. The classic M:N race is a waker on worker B resuming a thread that is still
// running (or still saving its registers) on worker A. It is closed by a hand-shake
// (context.cpp): a thread that stops leaves a request in its worker (a pending_action: "release
// this spinlock", "join that thread", "requeue me") and jumps — straight to the next ready
// thread of the worker, or to the worker's scheduler context when there is none. Whoever runs
// next on that kernel thread first stores the stopped thread's context (Boost hands it over as
// the `from` context) and only then performs the request, which is what may make the thread
// visible to other workers: the spinlock a waker must take, the join word an exiting thread
// reads, the run queue a thief steals from. One jump per switch in the common case; a
// thread-to-scheduler-to-thread design (two jumps, simpler) was our first version.
//
// Thread exit takes the same path: the exiting thread's last jump carries "exited", and the
// arriving side publishes "done" to the joiner (or recycles a detached thread's stack), since
// a joiner on another worker could otherwise recycle a stack still in use. One shortcut: if a
// joiner is already parked, the exiting thread hands it the result before jumping and puts it
// in this worker's LIFO slot — which no other worker serves — and usually jumps straight to it.
// Pitfall for users: a thread_local read before a blocking call may be another worker's after
// it. Internally we never cache a thread_local address across a switch: current_worker() is an
// opaque call (worker.cpp).
//
// Stealing, the other way threads move, and when a queue is worth it: a searching worker does
// not steal from a queue just because it is non-empty (Go and Tokio do). Moving a trivial thread to
// another core costs more than running it: its control block and stack cross caches, and the joiner
// on the first core reads them back. With immediate stealing, 40% of spawn_join's threads were
// stolen and a spawn + join cost 2x what it costs on one worker. So a thief looks at each victim
// once per search round and steals only when, for two rounds in a row (worker.cpp, worth_stealing),
// the victim's queue is non-empty and:
//   - the victim dispatched nothing and pushed nothing (stuck in one long thread), or
//   - it dispatches but the queue does not drain: it holds steady (threads that yield come
//     back) or would need more than ~8 rounds (~10 us) at its current rate, or
//   - it is at least half full (it would soon overflow to the injection queue anyway).
// A victim that is spawning (pushes, no dispatch) is left alone: the spawner usually joins next
// and runs its children itself. A steal after which the thief soon ran dry again (a pipeline's
// stages go back to their wakers' worker) doubles the rounds required next time, up to 64.
// The first two rounds (~3 us) are the delay any steal pays, like Go's 3 us before it steals
// a running P's runnext. The injection queue is taken from at once.
//
// Shutdown
// --------
//   1. The body runs as a thread; run() waits for *all* threads, not only the body.
//   2. The last worker to enter the idle list with no timer pending and nothing to wait for
//      in the poller or its ring (P1) sees every worker idle forever: no thread runs, no queue
//      holds one, no timer will fire, no socket can wake anyone. Unless a thread runs on a
//      carrier without a worker (carried off, Blocking and hogs): that thread will come back
//      (or is in the injection queue), and the last one back ends the run instead.
//   3. It compares threads spawned and threads exited (per-worker counters, stable now). Equal:
//      a clean end. Otherwise the remaining threads are blocked forever — a deadlock: it lists
//      them (thread id, name and what each waits for) from the stack pool's registry.
//   4. It sets stopping_ and unparks every worker and every spare carrier; each leaves its
//      loop; run() stops the monitor, joins the kernel threads, unmaps the stacks (deadlocked
//      threads are not unwound) and rethrows the body's exception, or throws deadlock_error.
//
// Rejected alternatives
// ---------------------
//   * Waking a worker on every push: a futex call, several µs here, per spawn.
//   * A single global run queue: every operation contends on one lock.
//   * Workers that poll without sleeping: an idle scheduler would burn every core.
//   * A condition variable per worker instead of a futex: a mutex round trip on every park and
//     unpark.
//   * Stealing from any non-empty queue, as Go and Tokio do: 40% of spawn_join's threads were
//     stolen and a spawn + join cost 2x its one-worker cost (Stealing, above).
//   * A thread-to-scheduler-to-thread switch (two jumps per switch, simpler): our first
//     version; the direct switch with a pending action (Migration, above) takes one.
//   * boost::context::fiber instead of the fcontext layer: about 85 of the ~670 instructions of
//     a spawn + run + join (context.cpp).
//   * An epoll instance per worker: a thread that migrates would re-register its socket, or be
//     woken across workers anyway (I/O, above).
//   * Level-triggered epoll, or EPOLLONESHOT re-armed on every wait: the first reports every
//     ready socket at every poll, the second costs an epoll_ctl per wait. Edge-triggered
//     events plus the slot's `ready` state lose nothing.
//   * A dedicated poller thread (a reactor): every event would be a hand-off to a worker and a
//     kernel context switch; kernel_pool works that way, and its echo row shows the cost.
//   * One io_uring shared by the workers: a lock on every submission and reap.
//   * Signal-based preemption of hogs: not safe for C++ code (Blocking and hogs, above).
//   * blocking(fn) handing the worker to a spare (Tokio's block_in_place; our first version):
//     the worker's queue waited for a kernel wake-up on every call (a futex wake-up to running
//     is ~8 µs on the 2-core VM we measure on). blocking_io_wrapped's compute ratio was 0.27;
//     moving the thread instead gives what moving nothing gives (bench/RESULTS.md).
//   * blocking(fn) on a helper thread pool (green_threads' way, marl's): fn off the thread's
//     stack, and a park plus a wake-up per call, where a moved thread pays once per run of
//     blocking calls.
//   * A fence (seq_cst) in enter_runtime instead of the monitor's membarrier: tens of cycles at
//     every scheduler call, to save a system call per hand-off, which is rare.
//   * A monitor duty for searching workers instead of a monitor thread: a scheduler whose
//     workers are all busy (or all stuck) has no worker left to notice.
//   * A mutex that hands the lock to the oldest waiter on every unlock (our first version):
//     with its threads on two workers, each critical section became a park and a switch (a
//     lock convoy), 63 ns a lock against 16 ns when they happened to share a worker. Barging
//     with a starvation hand-off (sync.cpp, Go's two modes): 13 ns, MAD 2%. Its slow path
//     enters the runtime before taking the wait list's lock: taken in user code, the monitor
//     could hand the holder's worker away and the holder would have to move with the lock
//     held while every worker spun on it (a hang under load, found by the ASan suite).
//   * A yield that queues the thread on its stealable local queue and takes the oldest from
//     there: a CAS per yield. It goes to the FIFO list when nothing else is queued (worker.cpp).
//   * Unmapping the stacks at the end of a run: a benchmark that starts a world per repetition
//     then measures page faults (~30 us each on the VMs we measure on): spawn_join 395 ns a
//     thread with fresh stacks, 65 with reused ones. Two slabs stay mapped (stack_pool.hpp).
//
// Where the time goes, measured (callgrind's instruction counts per operation at one worker,
// scripts/icount.sh; times at two workers, bench/RESULTS.md): a bare switch is 34 instructions
// and ~5.5 ns. A yield is ~185 instructions: the switch, the pick (~30), the action after the
// switch (~25), entering and leaving the runtime (two out-of-line reads of the carrier, a store
// each, the claim check), the pending request. A one-way pingpong switch is ~290: the channel
// push and pop take a spinlock each, and those two locked instructions alone are 10 of its ~55
// ns (measured by replacing them with plain stores, which is wrong but shows their price).
// Pipeline is ten channel operations a message, so ~50 instructions and one locked instruction
// each; across two workers the channel's cache lines move between cores on most of them. An
// uncontended locked exchange costs about one floor on AMD EPYC (the atomic_rmw baseline), so
// a message's ten are ~10x the floor whatever the scheduler does: the switches are not where
// pipeline's time goes. A
// spawn + run + join is ~300 instructions with a reused stack, and a page fault or two with a
// fresh one. Observer hooks cost one predictable branch when off; the seq_cst fence of
// notify_work is paid only on pushes that could wake a sleeper (spawns, a displaced LIFO
// thread), never on a yield or a direct hand-off.
// ============================================================================================
#include "scheduler.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <exception>
#include <latch>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <hybrid/thread.hpp>

#include "debug_table.hpp"

namespace hybrid::detail {

void yield_core() noexcept { ::sched_yield(); }

namespace {
#if defined(__SANITIZE_THREAD__)
std::atomic<unsigned> fence_dummy{0};
#endif
// running_world_ — the scheduler of the run in progress (scheduler::running_world).
std::atomic<scheduler*> running_world_{nullptr};

// waits_for(t) — what blocked thread t waits for, as the deadlock report and the hang dump
// print it: "channel pop", "join of #4", "a socket read: waits for fd 7, readable".
std::string waits_for(const thread_control& t) {
  std::string text = describe(t.waiting_on);
  if (t.waiting_on == wait_reason::join) text += " of #" + std::to_string(t.waiting_detail);
  if (t.waiting_on == wait_reason::io_read || t.waiting_on == wait_reason::io_write) {
    text += std::string(": waits for fd ") + std::to_string(t.waiting_detail) +
            (t.waiting_on == wait_reason::io_read ? ", readable" : ", writable");
  }
  return text;
}

std::string name_of(const thread_control& t) {
  return t.name[0] != '\0' ? std::string(t.name, ::strnlen(t.name, sizeof t.name))
                           : std::string("unnamed");
}
}  // namespace

void store_load_fence() noexcept {
#if defined(__SANITIZE_THREAD__)
  fence_dummy.fetch_add(0, std::memory_order_seq_cst);
#elif defined(__x86_64__)
  // A locked RMW on the stack is a full barrier on x86-64 and cheaper than MFENCE (Linux's
  // smp_mb() does the same). The compiler barrier ("memory") keeps accesses on their side.
  asm volatile("lock; orq $0, (%%rsp)" ::: "memory", "cc");
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

scheduler::scheduler(const options& o)
    : stacks(std::max(o.stack_size == 0 ? default_stack_size : o.stack_size, min_stack_size)),
      max_spares_(o.max_spare_carriers),
      io_backend_(o.io),
      observer_(o.observer) {
  unsigned n = o.workers == 0 ? default_workers() : o.workers;
  workers_.reserve(n);
  carriers_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    workers_.push_back(std::make_unique<worker>(*this, i, n, o.io));
    carriers_.push_back(std::make_unique<carrier>(*this, i));
    carriers_.back()->held = workers_.back().get();
  }
  idle_.reserve(n);
  if (o.monitor_period.count() > 0 && asymmetric_fences_available()) {
    monitor_ = std::make_unique<monitor>(*this, o.monitor_period, o.handoff_after);
  }
  publish_debug_table(*this);  // for scripts/gdb/hybrid.py
  // release: the world is built; pairs with the acquire in running_world().
  running_world_.store(this, std::memory_order_release);
}

scheduler::~scheduler() {
  running_world_.store(nullptr, std::memory_order_release);
  retract_debug_table();
}

scheduler* scheduler::running_world() noexcept {
  return running_world_.load(std::memory_order_acquire);
}

// ---- the parking protocol ------------------------------------------------------------------

void scheduler::notify_work() noexcept {
  if (workers_.size() == 1) return;                             // nobody else to wake
  store_load_fence();                                           // N2, pairs with P3
  if (searching_.load(std::memory_order_relaxed) != 0) return;  // N3
  if (sleeping_.load(std::memory_order_relaxed) == 0) return;   // N4
  wake_one();                                                   // N5
}

void scheduler::wake_one() noexcept {
  worker* w = nullptr;
  bool monitor_too = false;
  {
    const os_lock g(idle_mutex_);
    if (idle_.empty()) return;
    w = idle_.back();
    idle_.pop_back();
    w->in_idle_list = false;
    if (w->idle_forever) --idle_forever_;
    sleeping_.fetch_sub(1, std::memory_order_relaxed);
    searching_.fetch_add(1, std::memory_order_seq_cst);  // counted for w: see N3
    monitor_too = note_leaving_idle_locked();
  }
  unparks.fetch_add(1, std::memory_order_relaxed);
  w->parking().unpark();
  if (monitor_too) wake_monitor();
}

bool scheduler::note_leaving_idle_locked() {
  if (!monitor_asleep_) return false;
  monitor_asleep_ = false;
  return true;
}

void scheduler::wake_monitor() noexcept {
  if (monitor_) monitor_->wake();
}

bool scheduler::monitor_may_sleep() {
  const os_lock g(idle_mutex_);
  if (idle_.size() != workers_.size()) return false;
  monitor_asleep_ = true;
  return true;
}

// ---- carriers and the hand-off -------------------------------------------------------------

carrier* scheduler::reserve_spare() {
  const os_lock g(spare_mutex_);
  if (!parked_spares_.empty()) {
    carrier* c = parked_spares_.back();
    parked_spares_.pop_back();
    return c;
  }
  if (spare_carriers_.size() >= max_spares_ || stopping()) return nullptr;
  const auto index = static_cast<unsigned>(carriers_.size() + spare_carriers_.size());
  spare_carriers_.push_back(std::make_unique<carrier>(*this, index));
  carrier* c = spare_carriers_.back().get();
  try {
    spare_threads_.emplace_back([c] { c->run(); });  // it waits as a spare until given a worker
  } catch (const std::system_error&) {
    spare_carriers_.pop_back();  // no thread, no carrier: the caller goes without
    return nullptr;
  }
  return c;
}

void scheduler::return_spare(carrier* c) {
  const os_lock g(spare_mutex_);
  parked_spares_.push_back(c);
}

void scheduler::give_to_spare(carrier& c, worker& w) noexcept {
  // release: pairs with the acquire exchange in carrier::wait_as_spare.
  c.given.store(&w, std::memory_order_release);
  c.spare_parker.unpark();
}

void scheduler::give_thread_to_spare(carrier& c, thread_control* t, unsigned index) noexcept {
  c.carried_index = index;
  // release: pairs with the acquire exchange in carrier::wait_as_spare: t's saved context and
  // everything it did before are visible to c.
  c.given_thread.store(t, std::memory_order_release);
  c.spare_parker.unpark();
}

void scheduler::migrate(thread_control* t, unsigned index) {
  t->state = thread_state::ready;
  if constexpr (hooks_compiled) {
    if (observer_ != nullptr) report_transition(*observer_, t, thread_state::ready, index);
  }
  injection.push(t);  // N1 (seq_cst)
  migrations.fetch_add(1, std::memory_order_relaxed);
  // N2-N5, without notify_work's shortcut for one worker: the pusher is not a worker, and the
  // only worker may be asleep.
  store_load_fence();
  if (searching_.load(std::memory_order_relaxed) == 0 &&
      sleeping_.load(std::memory_order_relaxed) != 0) {
    wake_one();
  }
  // seq_cst: after the push, so a worker that reads zero here sees the thread (enter_idle).
  if (carried_off_.fetch_sub(1, std::memory_order_seq_cst) != 1) return;
  // The last one back. Every worker may have gone idle for good while it was counted (the
  // thread ran and finished before this line), each seeing a non-zero count: the run is over,
  // and only this call can say so. Under idle_mutex_, enter_idle's check and this one cannot
  // both miss: whichever locks second sees the other's write.
  const os_lock g(idle_mutex_);
  if (!stopping() && run_is_over_locked()) finish_run_locked();
}

bool scheduler::run_is_over_locked() {
  // Every worker idle forever, no thread on a carrier without a worker (a hand-off in progress:
  // it will queue its thread), and nothing such a carrier queued still waiting.
  return idle_forever_ == worker_count() && carried_off_.load(std::memory_order_seq_cst) == 0 &&
         injection.empty();
}

bool scheduler::try_begin_search() noexcept {
  // Throttle: at most half the workers search at once (Tokio), at least one.
  std::uint32_t n = searching_.load(std::memory_order_relaxed);
  if (n != 0 && 2 * n >= worker_count()) return false;
  searching_.fetch_add(1, std::memory_order_seq_cst);
  return true;
}

bool scheduler::end_search() noexcept {
  // seq_cst: P2 of the protocol (ordered before the P3 fence of park_worker).
  return searching_.fetch_sub(1, std::memory_order_seq_cst) == 1;
}

bool scheduler::enter_idle(worker& w, bool forever) {
  const os_lock g(idle_mutex_);
  assert(!w.in_idle_list);
  idle_.push_back(&w);
  w.in_idle_list = true;
  w.idle_forever = forever;
  sleeping_.fetch_add(1, std::memory_order_seq_cst);  // P1
  if (forever) ++idle_forever_;
  if (forever && run_is_over_locked()) {
    finish_run_locked();
    return false;
  }
  // Everyone is idle, but some only until a timer. That timer may be the deadline of a socket
  // read its data beat, whose thread has finished: woken, the worker drops it (park_worker) and,
  // if nothing else is pending, idles forever too, and the run ends now instead of at the
  // deadline.
  if (forever && idle_.size() == worker_count()) wake_timed_sleepers_locked();
  return true;
}

void scheduler::wake_timed_sleepers_locked() {
  for (std::size_t i = 0; i < idle_.size();) {
    worker* w = idle_[i];
    if (w->idle_forever) {
      ++i;
      continue;
    }
    idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
    w->in_idle_list = false;
    sleeping_.fetch_sub(1, std::memory_order_relaxed);
    searching_.fetch_add(1, std::memory_order_seq_cst);  // counted for w, as in wake_one
    if (note_leaving_idle_locked()) wake_monitor();
    w->parking().unpark();
  }
}

bool scheduler::leave_idle(worker& w) {
  const os_lock g(idle_mutex_);
  if (!w.in_idle_list) return false;
  idle_.erase(std::find(idle_.begin(), idle_.end(), &w));
  w.in_idle_list = false;
  if (w.idle_forever) --idle_forever_;
  sleeping_.fetch_sub(1, std::memory_order_relaxed);
  searching_.fetch_add(1, std::memory_order_seq_cst);  // it searches again
  if (note_leaving_idle_locked()) {
    // The monitor's parker is its own; unparking it under idle_mutex_ costs at most a futex
    // wake, and only when it slept.
    wake_monitor();
  }
  return true;
}

bool scheduler::work_visible() noexcept {
  if (!injection.empty()) return true;
  for (auto& w : workers_) {
    if (!w->stealer().empty()) return true;
  }
  return false;
}

// ---- shutdown -------------------------------------------------------------------------------

void scheduler::finish_run_locked() {
  std::uint64_t spawned = 0, exited = 0;
  for (auto& w : workers_) {
    spawned += w->spawned.get();
    exited += w->exited.get();
  }
  if (spawned != exited) {
    std::vector<thread_control*> blocked;
    stacks.for_each_stack([&](thread_control* t) {
      if (t->state == thread_state::blocked) blocked.push_back(t);
    });
    std::sort(blocked.begin(), blocked.end(),
              [](thread_control* a, thread_control* b) { return a->id < b->id; });
    deadlocked_ = blocked.size();
    std::string msg = "hybrid: deadlock: " + std::to_string(blocked.size()) +
                      (blocked.size() == 1 ? " thread" : " threads") + " blocked forever:";
    for (thread_control* t : blocked) {
      msg += "\n  thread #" + std::to_string(t->id) + " (" + name_of(*t) + ") in " + waits_for(*t);
    }
    deadlock_report_ = std::move(msg);
  }
  // release: pairs with the acquire load in stopping().
  stopping_.store(true, std::memory_order_release);
  for (worker* w : idle_) {
    w->in_idle_list = false;
    w->parking().unpark();
  }
  idle_.clear();
  // Carriers without a worker wait as spares: they leave too (carrier::wait_as_spare).
  for (auto& c : carriers_) c->spare_parker.unpark();
  const os_lock g(spare_mutex_);
  for (auto& c : spare_carriers_) c->spare_parker.unpark();
}

// ---- hang dumps ----------------------------------------------------------------------------

// Called by a kernel thread that is not a worker while the workers run: every field below is
// read without the owner's synchronization, so a line may be a moment stale (a thread shown
// blocked may just have been woken). The stack pool's lock is taken to walk its slabs, as the
// deadlock report does; the carriers' vector does not change while a run is in progress.
std::string scheduler::describe_threads() HYBRID_NO_THREAD_SAFETY_ANALYSIS {
  std::vector<std::pair<unsigned, thread_control*>> running;  // worker index, thread
  for (auto& c : carriers_) {
    thread_control* t = c->current;
    worker* w = c->held;
    if (t != nullptr) running.emplace_back(w != nullptr ? w->index() : ~0u, t);
  }
  std::vector<thread_control*> live;
  stacks.for_each_stack([&](thread_control* t) {
    // A carved stack whose thread ended and was joined (or never started) is free: its control
    // block keeps the last state, terminated, or the initial one with id 0.
    if (t->id != 0 && t->state != thread_state::terminated) live.push_back(t);
  });
  std::sort(live.begin(), live.end(),
            [](const thread_control* a, const thread_control* b) { return a->id < b->id; });
  auto line_of = [&](const thread_control& t) {
    std::string text = to_string(t.state);
    if (t.state == thread_state::blocked) text += " in " + waits_for(t);
    if (t.state == thread_state::running) {
      for (const auto& [index, r] : running) {
        if (r == &t && index != ~0u) text += " on worker " + std::to_string(index);
        if (r == &t && index == ~0u) text += " on a carrier without a worker (a blocking call)";
      }
    }
    return text;
  };
  // The counts first: with 100,000 threads, what they wait for is the story.
  std::vector<std::pair<std::string, std::size_t>> counts;
  for (const thread_control* t : live) {
    std::string what = to_string(t->state);
    if (t->state == thread_state::blocked) what += " in " + std::string(describe(t->waiting_on));
    auto it =
        std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == what; });
    if (it == counts.end()) {
      counts.emplace_back(std::move(what), 1);
    } else {
      ++it->second;
    }
  }
  std::string out = "hybrid: " + std::to_string(live.size()) + " green threads on " +
                    std::to_string(worker_count()) +
                    (worker_count() == 1 ? " worker:\n" : " workers:\n");
  for (const auto& [what, n] : counts) out += "  " + std::to_string(n) + " " + what + "\n";
  constexpr std::size_t shown = 20;
  for (std::size_t i = 0; i < live.size() && i < shown; ++i) {
    out += "  thread #" + std::to_string(live[i]->id) + " (" + name_of(*live[i]) +
           "): " + line_of(*live[i]) + "\n";
  }
  if (live.size() > shown) {
    out += "  ... and " + std::to_string(live.size() - shown) + " more threads\n";
  }
  return out;
}

stats scheduler::run(void (*invoke)(void*), void* body) {
  overflow_handler on_overflow;
  // The body becomes the first thread, in the injection queue; worker 0 is this kernel thread.
  worker& first = *workers_[0];
  struct body_holder {
    void (*invoke)(void*);
    void* body;
    void operator()() const { invoke(body); }
  };
  void* storage = nullptr;
  thread_control* root = stacks.acquire(first.stacks());
  {
    char* top = root->usable_top();
    auto p = reinterpret_cast<std::uintptr_t>(top - sizeof(body_holder)) & ~std::uintptr_t{63};
    storage = reinterpret_cast<void*>(p);
    root->fn_storage = storage;
    ::new (storage) body_holder{invoke, body};
    root->id = first.next_thread_id();
    std::snprintf(root->name, sizeof root->name, "%s", "main");
    root->ops = &callable_thunk<body_holder>::ops;
    root->error = nullptr;
    root->join_word.store(join_running, std::memory_order_relaxed);
    create_context(root);
    first.spawned.bump();
    first.observe(root, thread_state::created);
    injection.push(root);  // seq_cst publication; no worker runs yet
  }

  // The other workers' kernel threads and the monitor's are started behind a gate, which opens
  // once every one of them exists: a worker that ran before a later one failed to start would
  // run the body, and the run could then neither finish nor be stopped. When one cannot be
  // started (std::system_error, EAGAIN: a thread limit), the gate opens with `abandoned` set,
  // the workers started return at once without running anything and are joined, and run
  // throws a std::system_error with the same code naming what could not be started.
  std::latch gate(1);
  bool abandoned = false;  // written before the gate opens, read after
  std::vector<std::thread> kernel_threads;
  kernel_threads.reserve(workers_.size() - 1);
  try {
    for (std::size_t i = 1; i < workers_.size(); ++i) {
      kernel_threads.emplace_back([this, i, &gate, &abandoned] {
        gate.wait();
        if (!abandoned) carriers_[i]->run();
      });
    }
    if (monitor_) monitor_->start();
  } catch (const std::system_error& e) {
    abandoned = true;
    gate.count_down();
    for (auto& k : kernel_threads) k.join();
    monitor_.reset();
    const std::string what = kernel_threads.size() + 1 < workers_.size()
                                 ? "kernel worker " + std::to_string(kernel_threads.size() + 2) +
                                       " of " + std::to_string(workers_.size())
                                 : std::string("the monitor's kernel thread");
    throw std::system_error(e.code(), "hybrid: cannot start " + what);
  }
  gate.count_down();
  carriers_[0]->run();
  for (auto& k : kernel_threads) k.join();
  std::uint64_t handoffs = 0;
  if (monitor_) {
    handoffs = monitor_->handoffs();
    monitor_.reset();  // stops and joins it
  }
  std::vector<std::thread> spares;
  {
    const os_lock g(spare_mutex_);
    spares.swap(spare_threads_);
  }
  for (auto& k : spares) k.join();

  stats s;
  s.workers = worker_count();
  s.stack_size = stacks.stack_size();
  for (auto& w : workers_) {
    s.threads_spawned += w->spawned.get();
    s.steals += w->steals.get();
    s.threads_stolen += w->stolen.get();
    s.local_pushes += w->local_pushes.get();
    s.injection_pushes += w->injection_pushes.get();
    s.lifo_runs += w->lifo_runs.get();
    s.worker_parks += w->parks.get();
    s.empty_wakeups += w->empty_wakeups.get();
    s.timer_fires += w->timer_fires.get();
  }
  s.injection_pushes += 1 + migrations.load(std::memory_order_relaxed);  // 1: the body
  s.worker_unparks = unparks.load(std::memory_order_relaxed);
  s.handoffs = handoffs;
  s.blocking_moves = blocking_moves.load(std::memory_order_relaxed);
  {
    const os_lock g(spare_mutex_);
    s.spare_carriers = static_cast<unsigned>(spare_carriers_.size());
  }
  s.stacks_mapped = stacks.stacks_mapped();
  s.unguarded_stacks = stacks.unguarded_stacks();

  // Every thread has ended: the next run may reuse the stacks (stack_pool.hpp). Not after a
  // deadlock, whose blocked threads' stacks are still in use.
  if (deadlock_report_.empty()) stacks.keep_for_next_run();
  if (!deadlock_report_.empty()) {
    std::string msg = deadlock_report_;
    if (root->error) {  // often the cause: say so rather than hide it
      try {
        std::rethrow_exception(root->error);
      } catch (const std::exception& e) {
        msg += std::string("\n  (the body had ended with an exception: ") + e.what() + ")";
      } catch (...) {
        msg += "\n  (the body had ended with an exception)";
      }
    }
    throw deadlock_error(msg, deadlocked_);
  }
  if (root->error) std::rethrow_exception(root->error);
  return s;
}

}  // namespace hybrid::detail
