// tests/soak/round.hpp — one round of the soak: a seed's program (plan.hpp) run on one model,
// in a fresh world, and checked exactly.
//
// The body of M::run spawns one root thread per activity, so that the activities run at once
// and their threads interleave on the model's workers, then joins the roots. After M::run has
// returned (every thread of the round joined, every effect visible), each activity checks
// what it observed against its plan.
//
// A fixed pool (a model without waits_on_threads) deadlocks once every worker waits on a task
// queued behind it, and every thread of a round may wait on another. So such a model runs the
// round with a worker for every thread the plan spawns (at least the plan's own worker count):
// then no task ever waits in the queue behind a blocked one. The models that have
// waits_on_threads run at the plan's 1 to 4 workers.
#pragma once

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "channel_activity.hpp"
#include "crash_report.hpp"
#include "exception_activity.hpp"
#include "heartbeat.hpp"
#include "lock_activity.hpp"
#include "plan.hpp"
#include "sleep_activity.hpp"
#include "socket_activity.hpp"
#include "tree_activity.hpp"

namespace threadlab::soak {

// round_outcome — what a round found: its workers, its plan in words, and every difference.
struct round_outcome {
  unsigned workers = 0;
  std::string plan_text;
  findings differences;
};

// activities — a plan's activities, each built from its part of the plan and named
// "<kind> #<index>". Held by unique_ptr: activities hold atomics and never move.
class activities {
 public:
  explicit activities(const plan& p) {
    build(channels_, p.channels, "channel");
    build(trees_, p.trees, "tree");
    build(locks_, p.locks, "locks");
    build(sleeps_, p.sleeps, "sleeps");
    build(exceptions_, p.exceptions, "exceptions");
    build(sockets_, p.sockets, "sockets");
  }

  // for_each(f) — f(activity) for every activity, in a fixed order. The activities themselves
  // are not const (unique_ptr's * is not): run<M>() and check() are called through it.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& a : channels_) f(*a);
    for (const auto& a : trees_) f(*a);
    for (const auto& a : locks_) f(*a);
    for (const auto& a : sleeps_) f(*a);
    for (const auto& a : exceptions_) f(*a);
    for (const auto& a : sockets_) f(*a);
  }

  // progress() — every activity's progress(), one line each.
  std::string progress() const {
    std::string out;
    for_each([&](const auto& a) { out += a.progress() + "\n"; });
    return out;
  }

 private:
  template <class A, class P>
  static void build(std::vector<std::unique_ptr<A>>& to, const std::vector<P>& plans,
                    const std::string& kind) {
    for (std::size_t i = 0; i < plans.size(); ++i) {
      to.push_back(std::make_unique<A>(plans[i], kind + " #" + std::to_string(i)));
    }
  }

  std::vector<std::unique_ptr<channel_activity>> channels_;
  std::vector<std::unique_ptr<tree_activity>> trees_;
  std::vector<std::unique_ptr<lock_activity>> locks_;
  std::vector<std::unique_ptr<sleep_activity>> sleeps_;
  std::vector<std::unique_ptr<exception_activity>> exceptions_;
  std::vector<std::unique_ptr<socket_activity>> sockets_;
};

// workers_for<M>(p) — the worker count M runs p at (see the file comment).
template <model M>
unsigned workers_for(const plan& p) {
  if constexpr (has(M::capabilities, capability::waits_on_threads)) {
    return p.workers;
  } else {
    return std::max<unsigned>(p.workers, static_cast<unsigned>(spawned_threads(p)));
  }
}

// fault — a fault planted on purpose, to test that the soak catches it; never in a real soak.
enum class fault {
  none,
  hang,        // the body, once the activities are done, sleeps forever, a little at a time (a
               // wait on a primitive nobody signals would be a deadlock that hybrid detects
               // and reports, rather than a hang)
  lose_value,  // the first channel activity leaves one received value uncounted
  crash        // the body, once the activities are done, raises SIGSEGV
};

// run_round<M>(seed, beat, planted) — draws the seed's plan for M, runs it and checks it,
// telling beat when it starts and ends.
template <model M>
round_outcome run_round(std::uint64_t seed, heartbeat& beat, fault planted) {
  plan p = draw_plan(seed, M::capabilities);
  if (planted == fault::lose_value) p.channels.front().lose_one = true;  // there is always one
  round_outcome out;
  out.workers = workers_for<M>(p);
  out.plan_text = describe(p);
  activities acts(p);
  crash_report_round(M::name, seed, out.workers);
  beat.round_started(seed, M::name, out.workers, [&acts] { return acts.progress(); });
  run_options options;
  options.workers = out.workers;
  try {
    M::run(options, [&] {
      thread_list<M> roots;
      acts.for_each([&](auto& a) { roots.spawn([&a] { a.template run<M>(); }); });
      for (std::size_t i = 0; i < roots.size(); ++i) {
        if (std::exception_ptr e = roots.join(i)) {
          out.differences.push_back("activity root " + std::to_string(i) + " threw " + describe(e));
        }
      }
      if (planted == fault::crash) ::raise(SIGSEGV);
      while (planted == fault::hang) M::sleep_for(std::chrono::milliseconds(100));
    });
  } catch (...) {
    out.differences.push_back("M::run threw " + describe(std::current_exception()));
  }
  beat.round_finished();
  acts.for_each([&](const auto& a) { a.check(out.differences); });
  return out;
}

}  // namespace threadlab::soak
