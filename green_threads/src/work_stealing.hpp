// green_threads/src/work_stealing.hpp — Boost.Fiber's work_stealing algorithm with its registry
// made per-world, so that a work_stealing world (options::algorithm) can run many times in one
// process.
//
// Why not boost::fibers::algo::work_stealing itself: in Boost 1.74
// (libs/fiber/src/algo/work_stealing.cpp) its constructor takes `id_ = counter_++` from a static
// counter that is never reset, sizes the static `schedulers_` vector once (std::call_once) and
// waits on a function-static barrier sized by the first call. A second world therefore registers
// its schedulers at indices 2, 3,
// ... of a vector of size 2 (out of bounds), and a world with a different M waits on a barrier
// of the wrong size (boostorg/fiber#217). A benchmark runs a world once per repetition
// and sweeps worker counts, so it needs the algorithm to be restartable.
//
// ws_algorithm below is the same policy, decision for decision, as Boost's work_stealing:
// a spinlocked FIFO ready queue per worker, awakened() detaching every non-pinned fiber so any
// worker may take it, pick_next() popping the local queue first and otherwise stealing from
// randomly chosen peers (up to M attempts), and the same optional suspend/notify on a
// std::mutex + std::condition_variable. Three differences, each for a reason:
//   1. the registry of peers is a `ws_team` owned by the world instead of static members
//      (restartable: see above);
//   2. with M == 1 it does not try to steal (Boost's victim loop never ends when the only
//      scheduler is itself);
//   3. a thief takes the oldest *stealable* context of the victim's queue (ws_ready_queue).
//      Boost's detail::context_spinlock_queue::steal gives up when the front of the queue is
//      pinned, and the front very often is: Boost's dispatcher re-queues its own (pinned)
//      context each time it resumes a fiber. A fiber that runs without blocking then hides
//      every fiber queued behind it from the thieves, and two fibers spinning on each other
//      never run in parallel (caught by tests/conformance "multicore: two threads spinning on
//      each other without yield both finish").
// Tracing: like observed_round_robin (round_robin.hpp), each worker reports the transitions it
// sees through a transition_reporter (observing.hpp: same rules, its worker index as worker
// id); with no observation it costs one branch per call.
// Counting (counting.hpp): each worker bumps plain fields of its own, on a cache line of their
// own (a thief writes the ready queue's spinlock, a notifier the mutex); unparks, counted by
// the notifier, under the mutex it takes anyway. parked_ (under that mutex) makes each park
// ended by at most one counted notify, so parks == unparks + timeouts exactly.
#pragma once

#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <vector>

#include <boost/assert.hpp>
#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/detail/spinlock.hpp>
#include <boost/fiber/type.hpp>
#include <boost/intrusive_ptr.hpp>

#include "counting.hpp"
#include "observing.hpp"

namespace green_threads::detail {

class ws_algorithm;

// ws_ready_queue — one worker's ready fibers, oldest first. push/pop are called by the owning
// worker, steal by its peers; a Boost spinlock (held for a few instructions) guards the deque.
// Pinned contexts (the worker's main and dispatcher contexts, at most two) are never stolen;
// steal skips over them, so it scans at most three entries.
class ws_ready_queue {
 public:
  // push(ctx) — append; owner only. May allocate (deque growth).
  void push(boost::fibers::context* ctx) {
    boost::fibers::detail::spinlock_lock lock(spinlock_);
    items_.push_back(ctx);
  }
  // pop() — remove the oldest context, or nullptr; owner only.
  boost::fibers::context* pop() noexcept {
    boost::fibers::detail::spinlock_lock lock(spinlock_);
    if (items_.empty()) return nullptr;
    boost::fibers::context* ctx = items_.front();
    items_.pop_front();
    return ctx;
  }
  // steal() — remove the oldest context that is not pinned, or nullptr; any thread.
  boost::fibers::context* steal() noexcept {
    boost::fibers::detail::spinlock_lock lock(spinlock_);
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (!(*it)->is_context(boost::fibers::type::pinned_context)) {
        boost::fibers::context* ctx = *it;
        items_.erase(it);
        return ctx;
      }
    }
    return nullptr;
  }
  bool empty() const noexcept {
    boost::fibers::detail::spinlock_lock lock(spinlock_);
    return items_.empty();
  }

 private:
  mutable boost::fibers::detail::spinlock spinlock_;
  std::deque<boost::fibers::context*> items_;  // guarded by spinlock_
};

// ws_team — the M schedulers of one work_stealing world. Owned by the function that runs the
// world; outlives its kernel threads. `members[i]` is written once, by worker i in its
// ws_algorithm's constructor, before `all_registered`; after it every member is read-only
// (the barrier orders the writes before every steal).
struct ws_team {
  explicit ws_team(std::uint32_t workers) : members(workers), all_registered(workers) {}
  std::vector<boost::intrusive_ptr<ws_algorithm>> members;
  std::barrier<> all_registered;
};

// ws_algorithm — one worker's scheduling policy; see the file comment. Constructed on the
// worker's kernel thread by boost::fibers::use_scheduling_algorithm<ws_algorithm>(team, id,
// suspend, sink[, watched]). Preconditions: id < team.members.size(), each id used by exactly
// one thread, all team.members.size() threads construct theirs (the constructor waits for the
// others), *watched (nullptr: not observed) outlives every fiber of the world, and *sink
// outlives the instance. The team keeps every instance alive until the world drops it, after
// joining every kernel thread and helper; the destructor then adds the worker's counts to *sink.
class ws_algorithm final : public boost::fibers::algo::algorithm {
 public:
  ws_algorithm(ws_team& team, std::uint32_t id, bool suspend, stats_sink* sink,
               observation* watched = nullptr)
      : team_(team), id_(id), suspend_(suspend), reporter_(watched, id), sink_(sink) {
    BOOST_ASSERT(id < team.members.size());
    count_spawns_in(&counts_);
    team_.members[id_] = this;
    team_.all_registered.arrive_and_wait();
  }

  // ~ws_algorithm() — after every kernel thread of the world has been joined (see above).
  ~ws_algorithm() override {
    {
      const std::lock_guard lock(mutex_);
      counts_.worker_unparks = unparks_;
    }
    sink_->add(counts_);
  }

  // awakened(ctx) — ctx became ready on this worker. Fibers other than the thread's own main
  // and dispatcher contexts (pinned) are detached from this scheduler so a peer may steal them.
  void awakened(boost::fibers::context* ctx) noexcept override {
    reporter_.awakened(ctx);
    if (!ctx->is_context(boost::fibers::type::pinned_context)) {
      ctx->detach();
      ++counts_.local_pushes;
    }
    ready_.push(ctx);
  }

  // pick_next() — the next fiber for this worker: the front of its own queue, otherwise one
  // stolen from a random peer (at most M attempts), attached to this worker's scheduler.
  boost::fibers::context* pick_next() noexcept override {
    boost::fibers::context* next = choose_next();
    reporter_.picked(next);
    return next;
  }

  bool has_ready_fibers() const noexcept override { return !ready_.empty(); }

  // suspend_until(t) — nothing is ready: block the kernel thread until t or notify() when
  // suspend was requested; otherwise return at once and let the dispatcher spin (Boost's
  // default, which keeps stealing latency minimal at the cost of a busy core).
  void suspend_until(std::chrono::steady_clock::time_point const& t) noexcept override {
    if (!suspend_) {
      ++counts_.idle_spins;
      return;
    }
    std::unique_lock lock(mutex_);
    if (!notified_) {
      ++counts_.worker_parks;
      parked_ = true;
      bool woken = true;
      if (t == (std::chrono::steady_clock::time_point::max)()) {
        woken_.wait(lock, [this] { return notified_; });
      } else {
        woken = woken_.wait_until(lock, t, [this] { return notified_; });
      }
      parked_ = false;
      if (!woken) ++counts_.park_timeouts;
    }
    notified_ = false;
  }

  // notify() — a fiber of this worker was readied from another kernel thread.
  void notify() noexcept override {
    if (!suspend_) return;
    {
      std::lock_guard lock(mutex_);
      if (parked_ && !notified_) ++unparks_;  // the first notify of this park ends it
      notified_ = true;
    }
    woken_.notify_all();
  }

  // steal() — take the oldest stealable fiber of this worker; called by peers, any thread.
  boost::fibers::context* steal() noexcept { return ready_.steal(); }

 private:
  // choose_next() — the policy of pick_next, without the report.
  boost::fibers::context* choose_next() noexcept {
    boost::fibers::context* next = ready_.pop();
    if (next != nullptr) {
      if (!next->is_context(boost::fibers::type::pinned_context)) {
        boost::fibers::context::active()->attach(next);
      }
      return next;
    }
    const auto peers = static_cast<std::uint32_t>(team_.members.size());
    if (peers < 2) return nullptr;
    thread_local std::minstd_rand random{std::random_device{}()};
    std::uniform_int_distribution<std::uint32_t> pick_peer{0, peers - 1};
    for (std::uint32_t attempt = 0; next == nullptr && attempt < peers; ++attempt) {
      std::uint32_t victim;
      do {
        victim = pick_peer(random);
      } while (victim == id_);
      next = team_.members[victim]->steal();
    }
    if (next != nullptr) {
      BOOST_ASSERT(!next->is_context(boost::fibers::type::pinned_context));
      boost::fibers::context::active()->attach(next);
      ++counts_.steals;
    }
    return next;
  }

  ws_team& team_;
  std::uint32_t id_;
  bool suspend_;
  ws_ready_queue ready_;
  std::mutex mutex_;
  std::condition_variable woken_;
  bool notified_ = false;         // guarded by mutex_
  bool parked_ = false;           // guarded by mutex_: the owner waits in suspend_until
  std::uint64_t unparks_ = 0;     // guarded by mutex_: notifies that ended a park
  transition_reporter reporter_;  // this worker's; see the file comment
  stats_sink* sink_;
  alignas(64) worker_counts counts_;  // this worker only, apart from what peers write
};

}  // namespace green_threads::detail
