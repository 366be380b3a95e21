// green_threads/src/round_robin.hpp — the N:1 world's scheduling algorithm: Boost's round_robin,
// idling in the world's netpoller, and reporting each transition it sees when observed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/type.hpp>

#include "counting.hpp"
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
// that tracing off costs nothing on that path). Counting (counting.hpp) is always on: a plain
// increment per push and idle pass, in fields only this kernel thread touches; parks are told
// apart by what epoll_wait returned (an interrupt: notify; nothing: the deadline).
// Constructed on the world's kernel thread by boost::fibers::use_scheduling_algorithm, and
// destroyed at that thread's exit, after its last fiber, when it adds its counts to *sink.
template <bool Observed>
class polling_round_robin final : public boost::fibers::algo::round_robin {
 public:
  // polling_round_robin(shared, io, sink) — shared: the world's observation (ignored unless
  // Observed); io: the world's poller; sink: the world's counters. Precondition: shared and io
  // outlive the world's fibers, sink outlives this algorithm.
  polling_round_robin(observation* shared, poller* io, stats_sink* sink) noexcept
      : reporter_(shared, 0), io_(io), sink_(sink) {
    count_spawns_in(&counts_);
  }
  ~polling_round_robin() override { sink_->add(counts_); }

  void awakened(boost::fibers::context* ctx) noexcept override {
    if constexpr (Observed) reporter_.awakened(ctx);
    // Fibers only: the dispatcher context re-queues itself at every switch it makes.
    counts_.local_pushes += !ctx->is_context(boost::fibers::type::pinned_context);
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
    if (timeout_ms == 0) {
      ++counts_.idle_spins;  // a deadline has come: only look, then go round again
      io_->poll(0);
      return;
    }
    ++counts_.worker_parks;
    const poll_result r = io_->poll(timeout_ms);
    if (r.interrupted) {
      ++counts_.worker_unparks;
    } else if (r.timed_out) {
      ++counts_.park_timeouts;
    }
  }

  // notify() — any kernel thread: interrupts the wait; the owner counts the unpark when its
  // poll sees the interrupt.
  void notify() noexcept override { io_->interrupt(); }

 private:
  transition_reporter reporter_;
  poller* io_;
  stats_sink* sink_;
  worker_counts counts_;  // this kernel thread only
};

}  // namespace green_threads::detail
