// green_threads/src/round_robin.hpp — the N:1 world's algorithm when it is observed: Boost's
// round_robin, reporting each transition it sees.
#pragma once

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/context.hpp>

#include "observing.hpp"

namespace green_threads::detail {

// observed_round_robin — Boost's round_robin, reporting each transition it sees to the world's
// observer (observer.hpp). The policy is round_robin's, unchanged: every override reports,
// then delegates. Constructed on the world's kernel thread by
// boost::fibers::use_scheduling_algorithm. An unobserved world installs Boost's round_robin
// itself, so that with no observer the hooks cost nothing at all, not even a branch (measured:
// the extra virtual layer cost ~4 ns per pingpong switch).
class observed_round_robin final : public boost::fibers::algo::round_robin {
 public:
  // observed_round_robin(shared) — shared: the world's observation. Precondition: *shared
  // outlives the algorithm's kernel thread's fibers.
  explicit observed_round_robin(observation* shared) noexcept : reporter_(shared, 0) {}

  void awakened(boost::fibers::context* ctx) noexcept override {
    reporter_.awakened(ctx);
    round_robin::awakened(ctx);
  }

  boost::fibers::context* pick_next() noexcept override {
    boost::fibers::context* next = round_robin::pick_next();
    reporter_.picked(next);
    return next;
  }

 private:
  transition_reporter reporter_;
};

}  // namespace green_threads::detail
