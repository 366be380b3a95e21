// green_threads/src/observing.hpp — turning a scheduling algorithm's calls into transitions.
//
// Used by observed_round_robin (round_robin.hpp) and by ws_algorithm (work_stealing.hpp), so
// that both algorithms report the same transitions with the same rules.
//
// What an algorithm sees, and what each call means (Boost.Fiber 1.74):
//   awakened(ctx)   ctx becomes ready (spawned with launch::post, woken, or yielded): ready.
//   pick_next()     called by the active context as it leaves the CPU (or by the dispatcher):
//                   the picked fiber becomes running; the one leaving is terminated if
//                   it is no longer in its scheduler's worker list (Boost 1.74 has no
//                   is_terminated(); scheduler::terminate unlinks the fiber from that list
//                   just before pick_next, while a fiber that yields or blocks stays
//                   attached — the work_stealing algorithm detaches only in awakened), blocked if
//                   it is linked into a wait queue or the sleep queue (every Boost primitive links
//                   before it suspends, and unlinks only under a lock released after the switch),
//                   otherwise ready (a yield: awakened follows and is then not reported twice).
//   neither         a fiber spawned with launch::dispatch starts running without pick_next;
//                   the first hook called on it (the awakened of its parent) catches it up:
//                   new, then running.
// A fiber's trace id lives in its context's properties slot (fiber_tag), so it dies with the
// context and a later fiber at the same address gets a fresh id. Main and dispatcher contexts
// (pinned) are the kernel thread's own and are never reported.
//
// Threads: a transition_reporter belongs to one kernel thread (its algorithm's). A fiber_tag
// is touched only by the kernel thread that holds the fiber at that moment; a fiber moves
// between kernel threads only through a spinlocked ready queue, which orders the accesses.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <new>

#include <boost/fiber/context.hpp>
#include <boost/fiber/properties.hpp>
#include <boost/fiber/type.hpp>

#include <green_threads/observer.hpp>

namespace green_threads::detail {

// wait_note — what the fiber about to block on this kernel thread waits for, when the code
// that blocks it knows and says so (the netpoller does: poller::wait). The reporter attaches it
// to that fiber's next blocked transition and clears it. The kernel thread's own: a fiber sets
// it just before it suspends, and the pick_next that reports the block runs next on the same
// thread.
struct wait_note {
  wait_kind waiting = wait_kind::unknown;
  std::uint64_t detail = 0;
};
inline thread_local wait_note pending_wait{};

// observation — what the kernel threads of one world share while it is observed. Owned by the
// function that runs the world; outlives its algorithms.
struct observation {
  explicit observation(observer* o) noexcept : sink(o) {}
  observer* const sink;
  std::atomic<std::uint64_t> next_id{1};  // relaxed: only hands out distinct ids
};

// fiber_tag — a fiber's trace id and last reported state, in its context's properties slot
// (Boost deletes it with the context). Only created while observing.
class fiber_tag final : public boost::fibers::fiber_properties {
 public:
  fiber_tag(boost::fibers::context* ctx, std::uint64_t trace_id) noexcept
      : fiber_properties(ctx), id(trace_id) {}
  const std::uint64_t id;
  thread_state last = thread_state::created;
};

// transition_reporter — one kernel thread's half of the rules above. With shared == nullptr
// (not observed) every member returns after one branch.
class transition_reporter {
 public:
  transition_reporter(observation* shared, unsigned worker) noexcept
      : shared_(shared), worker_(worker) {}

  // awakened(ctx) — call first thing in algorithm::awakened.
  void awakened(boost::fibers::context* ctx) noexcept {
    if (observing()) [[unlikely]]
      report_awakened(ctx);
  }

  // picked(next) — call in algorithm::pick_next with the context it returns (may be null).
  // Precondition: called on the leaving (active) context's stack, as Boost does.
  void picked(boost::fibers::context* next) noexcept {
    if (observing()) [[unlikely]]
      report_picked(next);
  }

 private:
  // report_awakened / report_picked — the observed halves, out of line and cold so that an
  // unobserved hook is one test and branch, with no registers saved for it in the caller.
  __attribute__((noinline, cold)) void report_awakened(boost::fibers::context* ctx) noexcept {
    const std::int64_t now = now_ns();
    catch_up(now);
    if (is_fiber(ctx)) enter(ctx, thread_state::ready, now);
  }

  __attribute__((noinline, cold)) void report_picked(boost::fibers::context* next) noexcept {
    const std::int64_t now = now_ns();
    catch_up(now);
    boost::fibers::context* leaving = boost::fibers::context::active();
    if (is_fiber(leaving) && leaving != next) enter(leaving, leaving_state(leaving), now);
    if (next != nullptr && is_fiber(next)) enter(next, thread_state::running, now);
  }

  bool observing() const noexcept {
    if constexpr (!hooks_compiled) {
      return false;
    } else {
      return shared_ != nullptr;
    }
  }

  static std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  static bool is_fiber(boost::fibers::context* ctx) noexcept {
    return ctx->is_context(boost::fibers::type::worker_context);
  }

  static thread_state leaving_state(boost::fibers::context* ctx) noexcept {
    if (!ctx->worker_is_linked()) return thread_state::terminated;
    // Waiting on a socket: parked in the netpoller's own slot, not a Boost queue.
    if (pending_wait.waiting != wait_kind::unknown) return thread_state::blocked;
    if (ctx->wait_is_linked() || ctx->sleep_is_linked()) return thread_state::blocked;
    return thread_state::ready;
  }

  // catch_up(now) — the active fiber started without pick_next (launch::dispatch): report it.
  void catch_up(std::int64_t now) noexcept {
    boost::fibers::context* active = boost::fibers::context::active();
    if (is_fiber(active)) enter(active, thread_state::running, now);
  }

  // enter(ctx, state, now) — report ctx entering state, unless that is where it already is;
  // a context seen for the first time is reported new first.
  void enter(boost::fibers::context* ctx, thread_state state, std::int64_t now) noexcept {
    auto* tag = static_cast<fiber_tag*>(ctx->get_properties());
    if (tag == nullptr) {
      // relaxed: the counter only hands out distinct ids.
      tag = new (std::nothrow)
          fiber_tag(ctx, shared_->next_id.fetch_add(1, std::memory_order_relaxed));
      if (tag == nullptr) return;  // out of memory: this fiber goes untraced
      ctx->set_properties(tag);
      shared_->sink->on_transition(transition{tag->id, worker_, thread_state::created, now});
    }
    if (tag->last == state) return;
    tag->last = state;
    transition t{tag->id, worker_, state, now};
    if (state == thread_state::blocked) {
      t.waiting = pending_wait.waiting;
      t.wait_detail = pending_wait.detail;
    }
    pending_wait = {};
    shared_->sink->on_transition(t);
  }

  observation* shared_;
  unsigned worker_;
};

}  // namespace green_threads::detail
