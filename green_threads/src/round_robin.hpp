// green_threads/src/round_robin.hpp — the N:1 world's scheduling algorithm: Boost's round_robin,
// idling in the world's netpoller, and reporting each transition it sees when observed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/type.hpp>

#include "observing.hpp"
#include "poller.hpp"

namespace green_threads::detail {

// polling_round_robin<Observed> — Boost's round_robin policy, unchanged (one FIFO ready queue),
// with two additions:
//   - when no fiber is ready, the kernel thread waits in the poller's epoll_wait (until the
//     earliest sleeper's deadline) instead of round_robin's condition variable, so that a fiber
//     waiting on a socket is woken by its data; notify() (a fiber readied from another kernel
//     thread) interrupts that wait;
//   - while fibers wait on sockets, the dispatcher's own picks also poll without waiting. The
//     dispatcher context sits in the ready queue while fibers run, so it picks once per round of
//     the queue: fibers that keep yielding cannot keep the others' data waiting forever. Only
//     the dispatcher polls: any other pick runs on a suspending fiber's stack, which may still
//     hold the spinlock of the very socket an event would wake (released after the switch).
// Observed: each transition it sees is reported to the world's observer (the world installs
// this variant only when it is observed; the other keeps round_robin's awakened untouched, so
// that tracing off costs nothing on that path). Constructed on the world's kernel thread by
// boost::fibers::use_scheduling_algorithm.
template <bool Observed>
class polling_round_robin final : public boost::fibers::algo::round_robin {
 public:
  // polling_round_robin(shared, io) — shared: the world's observation (ignored unless
  // Observed); io: the world's poller. Precondition: both outlive the world's fibers.
  polling_round_robin(observation* shared, poller* io) noexcept : reporter_(shared, 0), io_(io) {}

  void awakened(boost::fibers::context* ctx) noexcept override {
    if constexpr (Observed) reporter_.awakened(ctx);
    round_robin::awakened(ctx);
  }

  boost::fibers::context* pick_next() noexcept override {
    if (io_->waiting() != 0 &&
        boost::fibers::context::active()->is_context(boost::fibers::type::dispatcher_context)) {
      io_->poll(0);
    }
    boost::fibers::context* next = round_robin::pick_next();
    if constexpr (Observed) reporter_.picked(next);
    return next;
  }

  void suspend_until(std::chrono::steady_clock::time_point const& until) noexcept override {
    int timeout_ms = -1;
    if (until != (std::chrono::steady_clock::time_point::max)()) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      timeout_ms =
          left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
    }
    io_->poll(timeout_ms);
  }

  void notify() noexcept override { io_->interrupt(); }

 private:
  transition_reporter reporter_;
  poller* io_;
};

}  // namespace green_threads::detail
