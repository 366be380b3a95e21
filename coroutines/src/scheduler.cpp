// coroutines/src/scheduler.cpp — the stackless M:N scheduler: the design essay, the parking
// protocol, run and shutdown.
//
// ============================================================================================
// DESIGN
// ============================================================================================
//
// This module is hybrid's M:N scheduler with the stacks taken out. A hybrid thread is a fiber:
// a stack of its own, saved registers, a switch that swaps them. A coroutine thread here is a
// chain of C++20 coroutine frames (task.hpp) on the heap; only the innermost is ever suspended,
// and "switching" to it is a call, `handle.resume()`, made by a worker on its own kernel stack,
// which returns when the coroutine next suspends. Most of what follows is hybrid's design; the
// differences come from that one fact, and each section says where.
//
// The cast
// --------
//   thread_control  a coroutine thread (Go's G): the frame to resume next, its state, its join
//                   word (which also says who deletes it), its stop source
//                   (detail/thread_control.hpp). spawn
//                   allocates it from the frame pool beside the task's frame; with a callable,
//                   it also owns the callable, so a lambda's captures live as long as the thread.
//   task<T>         one coroutine frame and its promise (task.hpp): the result, the exception,
//                   the awaiter to resume when it ends (symmetric transfer).
//   worker          a kernel thread and its scheduling context at once (Go's M and P together):
//                   LIFO slot, local queue, FIFO list, timer heap, frame cache, parker
//                   (worker.hpp). hybrid separates the two (carrier and worker) so that a monitor
//                   can hand a stuck worker's queue to another kernel thread; this module has no
//                   monitor (Blocking and hogs), so it needs no split.
//   scheduler       what the workers share (this file): the injection queue, the idle list and
//                   the searching/sleeping counts. Each worker counts the threads started and
//                   ended on it; their sum is the count of live threads (Shutdown).
//   parker          the futex a worker sleeps on, or the poller it sleeps in (parker.hpp).
//   poller          the netpoller (poller.hpp): one epoll instance per scheduler, through which
//                   threads that wait on sockets are woken (I/O, below).
//   frame pool      per-worker free lists by size class with global lists behind them
//                   (frame_pool.cpp): every coroutine frame and control block comes from it.
//
// The queues, and who may touch each
// ----------------------------------
//   LIFO slot        one per worker; owner only. The thread most recently made ready by a thread
//                    running on that worker (a channel's receiver, a mutex's next owner): it runs
//                    next, with the data it was handed still in cache. A guard
//                    (lifo_streak_limit) stops two threads that keep waking each other from
//                    starving the rest. Not stealable.
//   local queue      one per worker; bounded Chase–Lev deque (run_queue.hpp). The owner pushes
//                    spawned threads and pops at the bottom (depth-first); any worker steals half
//                    from the top. Full, it spills its older half to the injection queue.
//   FIFO list        one per worker; owner only. Yielding threads and threads whose timer fired.
//   timer heap       one per worker, under its spinlock: the owner pushes and fires; a stop
//                    request on any kernel thread removes a sleeper (timer_heap.hpp). hybrid's
//                    heap is owner-only; a sleep here is stoppable, which needs the lock.
//   injection queue  global, mutex + FIFO. Local-queue overflow and threads made ready off a
//                    worker (a stop requested from a kernel thread outside the run).
//   wait lists       one per primitive (mutex, condition, channel) under its spinlock, holding
//                    wait nodes that live in the waiters' awaiters; and each thread's join word (a
//                    lock-free list of one).
// A thread is in exactly one of these, or being resumed by exactly one worker.
//
// Orderings: moving a thread between queues is a hand-off. The pushing side's release (the
// deque's bottom store, the injection mutex, a spinlock's unlock) pairs with the taking side's
// acquire, so thread_control's plain fields (resume, state, waiting) and the suspended frames
// need no atomics. Each non-relaxed ordering in the code names its partner. The seq_cst
// operations are StoreLoad points: the deque's race for its last item, and the parking
// protocol's two fences below.
//
// States: where a thread is and who owns it
// ------------------------------------------
//   created     spawned, never resumed: in its spawner's local queue like a ready thread; its
//               outermost frame is suspended at its initial suspension point.
//   ready       in exactly one run queue; no worker resumes it; its frames are suspended.
//   running     being resumed by exactly one worker, on that worker's kernel stack: the worker
//               owns thread_control's plain fields until the thread suspends.
//   blocked     its wait node is in exactly one wait list, timer heap or join word; only whoever
//               takes it out may make it ready (unpark).
//   terminated  its outermost task returned or threw; the result waits in that task's promise
//               for the join handle (or, detached, the frames are freed at once).
// thread_control::state holds the state; the observer (observer.hpp) sees every change.
//
// Parking: how a thread waits, and how an idle worker sleeps without losing a wake-up
// -----------------------------------------------------------------------------------
// A thread waits by co_awaiting an awaiter whose await_suspend runs after the coroutine is
// suspended: its frame is complete and nothing of it lives on the worker's stack. So
// await_suspend may publish the wait node (under the primitive's spinlock) and return, and a
// waker on another worker may resume the coroutine at once, even before the first worker has
// returned from resume(). hybrid needs a hand-shake for this (a fiber must finish saving its
// registers before anyone may switch to it: its pending_action, released by whoever runs next);
// a stackless coroutine has nothing left to save. The one rule: after publishing, await_suspend
// touches nothing of the frame, the awaiter included (detail/park.hpp, suspend_current). A stop
// request takes the node out under the same spinlock (detail/park.hpp, wait_canceller).
//
// Idle workers sleep with hybrid's protocol, which is Go's: "searching" workers look for work
// before sleeping, at most half of them search at once, and whoever publishes work wakes a
// sleeper only when nobody searches.
//
// Publishing work (notify_work, after a push to a local queue or the injection queue):
//   N1. publish the thread (the deque's release store of bottom, or the injection mutex);
//   N2. StoreLoad fence (seq_cst)                                   <-- pairs with P3
//   N3. if some worker is searching, stop: it will see the work (it re-checks at P4);
//   N4. if no worker sleeps, stop: every worker is busy and looks at the queues before it
//       sleeps;
//   N5. take a sleeper out of the idle list, count it as searching, unpark it.
//
// Going to sleep (park_worker, after find_work found nothing):
//   P1. enter the idle list (under idle_mutex_, sleeping_ += 1);
//   P2. stop searching (searching_ -= 1);
//   P3. StoreLoad fence (seq_cst)                                   <-- pairs with N2
//   P4. re-check every local queue and the injection queue; if work is visible, leave the idle
//       list and search again. Otherwise the worker is "settled" (see Shutdown);
//   P5. park on the futex, until its next timer at most.
//
// Why no wake-up is lost: take a thread published at N1 while a worker W goes to sleep. The two
// fences are totally ordered. If N2 comes first, W's re-check at P4 sees the thread. If P3 comes
// first, the notifier's loads at N3/N4 see W's P1/P2 stores: searching_ no longer counts W and
// sleeping_ does, so N5 wakes a sleeper (W or another, which then searches every queue). If N3
// saw another searcher S, the same argument applies to S's own P2–P4. A wake-up that reaches W
// between P4 and P5 is kept by the parker (its word stays "notified"), so P5 returns at once.
// Under ThreadSanitizer, which does not model a standalone fence, both fences are a seq_cst
// read-modify-write of one shared location (store_load_fence), which orders the same way.
//
// I/O: threads that wait on sockets, and workers that poll
// --------------------------------------------------------
// A socket read that would block must suspend the thread, not the worker (net.hpp). The
// netpoller is hybrid's: one epoll instance in the scheduler, edge-triggered, because a
// suspended thread may be resumed on any worker, and one set means one worker at a time can
// sleep in it (Go makes the same choice). What differs is who publishes the wait.
//
// Suspending a thread on a socket (net.cpp; the slot protocol is in poller.hpp):
//   I1. the thread tries the system call; on EAGAIN it takes a pending `ready` from the
//       direction's wait slot and retries, or co_awaits io_wait;
//   I2. io_wait's await_suspend, the frame already suspended, counts the thread parked
//       (poller::count_parked) and CASes the slot idle -> thread (release). hybrid's worker must
//       do this after the fiber's registers are saved; here nothing is left to save, as with
//       every other wait (Parking, above). Finding `ready` instead, the thread goes on. A
//       deadline is a timer node in the worker's heap, pushed before the CAS; its firing wakes
//       the thread only by the same CAS (worker::fire_timers);
//   I3. a waker (an epoll event, that timer, or close()) CASes the slot thread -> idle and makes
//       the thread ready; the CAS picks one winner, and the thread always retries its call. The
//       resumed thread takes its timer node out of the heap under the heap's lock, so a stale
//       deadline is never left behind (hybrid leaves it and drops it later).
// Polling, woven into the worker loop:
//   Q1. a worker polls with timeout 0 in find_work before it searches, and at the fairness tick
//       (so sockets are served even when no worker is ever idle); only when threads are
//       suspended on sockets and no worker sleeps in the poller;
//   Q2. at P5, a worker about to sleep while threads are suspended on sockets and no other
//       worker holds the poller takes the "blocking poll" and sleeps in epoll_wait instead of on
//       its futex, until its next timer at most. The threads an event wakes go to its local
//       queue (stealable, and published: N1-N5);
//   Q3. an unpark (N5, shutdown) reaches a worker in epoll_wait through the parker: the CAS that
//       records "asleep" records "asleep in the poller", and unpark then writes the poller's
//       eventfd instead of waking the futex. The no-lost-wake-up argument above is unchanged:
//       the poll is just another place to sleep at P5;
//   Q4. when the last suspended thread is woken by something other than the poll (a timer,
//       close()), the sleeper in epoll_wait would wait for nothing: uncount_parked interrupts
//       it, and it goes back to its futex. seq_cst on the count and on the blocking-poll flag,
//       both sides store then load: either the taker sees the count at zero, or the uncounter
//       sees the flag and interrupts.
// The deadlock check (Shutdown) counts a thread suspended on a socket, and a worker in the
// poller, as a wake-up still to come: an event may arrive from outside the run. That worker ends
// its blocking poll only after it has left the idle list, so the check never sees it settled
// while it holds threads the poll took out of their slots and has not yet made ready.
//
// Blocking and hogs: when a thread keeps its worker
// -------------------------------------------------
// A worker gets control back only when the coroutine it resumed suspends (a co_await that waits)
// or ends. A coroutine that calls a blocking function (a raw read(2), a lock of the standard
// library, a library that waits) blocks its worker's kernel thread, and one that computes
// without a co_await keeps it: every thread queued on that worker waits, as on N:1 fibers.
// Other workers steal what is in its local queue, but not its LIFO slot or FIFO list.
//
// hybrid answers with a monitor that hands a stuck worker's queue to a spare kernel thread and,
// for a call known to block, blocking(fn), which moves the calling fiber to a spare kernel
// thread. Neither carries over. A hybrid fiber can be moved mid-call because its whole call
// chain is on its own stack; a coroutine's caller chain up to the blocking call is plain
// functions on the worker's stack, which cannot move: the coroutine cannot be resumed elsewhere
// until that call returns. So there is no monitor here, and the queue behind a stuck worker
// waits for the thieves. The cure is function colouring: every function that may wait must be a
// coroutine (return a task and be co_awaited), all the way up, and a blocking library must be
// called off the workers or rewritten (README.md, "What a stack buys").
//
// Migration, and what it means for thread_local
// ---------------------------------------------
// A thread runs on whichever worker resumes it, and may move at any co_await that suspends:
// stolen from a local queue, woken into another worker's LIFO slot, taken from the injection
// queue. Nothing has to be moved with it: its state is its frames, on the heap. The race that
// hybrid's hand-shake closes (Parking, above) cannot happen. What remains is the thread_local
// pitfall, sharper than with fibers: the compiler may keep the address of a thread_local in the
// coroutine frame across a co_await and read the old kernel thread's variable after the
// coroutine moved. So the scheduler reaches its per-worker state only through out-of-line
// functions (current_worker(), current_thread()), and user code should do the same.
//
// Sanitizers need nothing from this module for the same reason: every coroutine runs on a
// worker's own kernel stack, as an ordinary call, so AddressSanitizer and ThreadSanitizer see
// ordinary function calls on threads they know. hybrid must announce every stack switch to them
// (its sanitizer.hpp and THREADLAB_SANITIZE_FIBERS); here no switch exists to announce, and the
// suite passes under the tsan preset without annotations. The frames are ordinary heap blocks
// (the frame pool never carves slabs), so ASan checks each one on its own. What the sanitizer
// builds do change is the compiler's code around calls: GCC's instrumentation after a call stops
// symmetric transfer from being a tail call, so those hooks are off for coroutine code
// (CMakeLists.txt).
//
// Shutdown
// --------
//   1. The body runs as a thread; run() waits for *all* threads, not only the body.
//   2. Each worker counts the threads started and ended on it (plain counters, owner only: no
//      shared cache line per spawn, which a global atomic count was, at 30% of skynet's
//      profile). Their sum is read only when every worker is settled at P4 (under idle_mutex_):
//      then none runs, each one's counters were published by its own lock of idle_mutex_ when
//      it settled, and a waker must take that mutex to unsettle one. If the sum is zero, every
//      thread has ended: the worker that settled last stops the run (stopping_, release, and an
//      unpark of every worker). The end is seen once the last worker has looked for work and
//      found none, as in hybrid, instead of by the thread that ends last.
//   3. A deadlock: the same check finds threads alive with no timer pending on any worker, none
//      suspended on a socket and no worker in the poller (I/O, above). No
//      thread runs and nothing can make one ready (wake-ups come from threads of the run: a
//      stop requested from outside it while the run is settled is not supported). It stops the
//      run, and run() throws deadlock_error with the count. The suspended frames are not
//      destroyed (their destructors could touch primitives already gone); they stay allocated.
//   4. Each worker leaves its loop, gives its frame cache back to the global lists; run() joins
//      the kernel threads, frees the global lists, rethrows the body's exception.
//
// Rejected alternatives
// ---------------------
//   * A scheduler that resumes a thread's outermost frame and walks down to the innermost: a
//     suspension would unwind the whole chain. The thread records its innermost frame instead
//     (thread_control::resume) and symmetric transfer links the chain.
//   * A resume per completed co_await (continuation.resume() in final_suspend): a chain of a
//     million co_awaits nests a million calls on the worker's stack. Symmetric transfer (a tail
//     call) keeps the stack flat (tests/coroutines/task_test.cpp).
//   * A monitor and spare kernel threads, as hybrid has: nothing they could move (Blocking and
//     hogs).
//   * A separate allocation per wait (a heap node for each sleep or pop): the wait node lives in
//     the awaiter, inside the frame, which lives until the wait ends.
//   * An owner-only timer heap with cancelled sleeps left in it as tombstones (hybrid's I/O
//     timers leave stale entries): a stopped sleeper's frame may be freed long before its
//     deadline, so the heap would point into freed memory. The heap's spinlock costs one
//     uncontended lock per sleep.
//   * std::unique_lock over coroutines::mutex: its lock() would call mutex::lock() and discard
//     the awaitable, locking nothing. coroutines::unique_lock has no lock() that can be misused.
//   * Waking a worker on every push, a single global run queue, workers that poll without
//     sleeping, a condition variable per worker: hybrid's essay says why not, and the same
//     holds here.
//   * hybrid's barging mutex with a starvation hand-off: not ported yet (sync.cpp); this mutex
//     hands off to the oldest waiter on every contended unlock, which is fair and simple and
//     makes a contended lock a convoy.
// ============================================================================================
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
  for (unsigned i = 0; i < n; ++i) workers.push_back(std::make_unique<worker>(*this, io, i, n));
  idle_.reserve(n);
}

scheduler* scheduler::running() noexcept {
  // acquire: pairs with run()'s release store; the scheduler's construction is visible.
  return running_world.load(std::memory_order_acquire);
}

void scheduler::notify_observer(thread_control* t, thread_state state,
                                const worker* by) const noexcept {
  {
    transition tr;
    tr.thread_id = t->id;
    tr.worker_id = by != nullptr ? by->index() : 0;
    tr.state = state;
    tr.timestamp_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
    tr.waiting = state == thread_state::blocked ? t->waiting : wait_kind::unknown;
    const bool on_socket = t->waiting == wait_kind::readable || t->waiting == wait_kind::writable;
    tr.wait_detail = state == thread_state::blocked && on_socket ? t->wait_detail : 0;
    observer_->on_transition(tr);
  }
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
  store_load_fence();                                           // N2, pairs with P3
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
  store_load_fence();                  // P3, pairs with N2
  if (work_visible() || stopping()) {  // P4
    leave_idle(w);
    return;
  }
  w.timers.lock.lock();
  const auto deadline = w.timers.next_deadline();
  w.timers.lock.unlock();
  {
    // Settled: past P4 with nothing visible. When every worker is settled, no thread runs:
    // with none alive the run is over; with some alive and no timer pending, none can be made
    // ready, and they wait forever (Shutdown).
    const std::lock_guard<std::mutex> hold(idle_mutex_);
    if (w.idle) {
      w.settled = true;
      w.settled_with_timer = deadline.has_value();
      const bool all_settled = std::all_of(workers.begin(), workers.end(),
                                           [](const auto& x) { return x->idle && x->settled; });
      if (all_settled && !stopping()) {
        std::int64_t live = 0;
        for (const auto& x : workers) live += x->live_balance();
        // A wake-up may still come from a timer, a socket (a thread suspended on one), or a
        // worker in the poller holding threads it woke.
        const bool wake_pending =
            std::any_of(workers.begin(), workers.end(),
                        [](const auto& x) { return x->settled_with_timer; }) ||
            io.parked() != 0 || io.someone_blocks();
        if (live == 0) {
          stop();
        } else if (!wake_pending) {
          deadlocked_ = static_cast<std::size_t>(live);
          stop();
        }
      }
    }
  }
  ++w.counters().worker_parks;
  const bool polled = w.sleep(deadline);  // P5
  leave_idle(w);
  // Only now, out of the idle list: the deadlock check above counts a worker in the poller as a
  // pending wake-up, and must not see this one settled and not polling (I/O, below).
  if (polled) io.end_blocking_poll();
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
    s.io_wakeups += c.io_wakeups;
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
    throw deadlock_error(
        "coroutines: deadlock: " + std::to_string(deadlocked) + " threads suspended forever",
        deadlocked);
  }
  return s;
}

}  // namespace coroutines::detail
