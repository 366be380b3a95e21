// tests/soak/channel_activity.hpp — bounded channels with close and stop: every value pushed is
// popped exactly once, and each producer's values arrive in order.
//
// How (channel_plan): producers push values (producer << 32 | index) into one M::channel of the
// planned capacity, pausing now and then; consumers pop them, some with a stop token that the
// root triggers while values still flow; the root consumes too, so that values never wait for a
// consumer that was stopped. The last producer to finish closes the channel, or, with
// close_after, the consumer that receives the close_after-th value closes it early: every push
// after that fails, and the producer stops at its first failure.
//
// Checked, after M::run: values received = values whose push returned true, in count and in
// the sum of their hashes (a lost value and a duplicated one do not cancel out); no consumer saw
// a producer's values out of order; without an early close every push succeeded; with one, no
// producer pushed again after a failure; each stop request was the first for its thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

class channel_activity {
 public:
  channel_activity(const channel_plan& p, std::string name) : plan_(p), name_(std::move(name)) {}

  // run<M>() — the activity's root thread. Never throws.
  template <model M>
  void run() {
    guarded(notes_, "root", [&] { run_root<M>(); });
  }

  void check(findings& out) const {
    notes_.copy_to(out, name_);
    const std::uint64_t pushed = pushed_.load();
    expect_equal(out, name_, "values received (count) vs pushed", pushed, received_.load());
    expect_equal(out, name_, "values received (hash sum) vs pushed", pushed_hash_.load(),
                 received_hash_.load());
    expect_equal(out, name_, "values received out of a producer's order", 0, out_of_order_.load());
    if (plan_.close_after == 0) {
      expect_equal(out, name_, "values pushed (no early close)",
                   std::uint64_t{plan_.producers} * plan_.per_producer, pushed);
      expect_equal(out, name_, "failed pushes (no early close)", 0, failed_pushes_.load());
    } else if (failed_pushes_.load() > plan_.producers) {
      expect_equal(out, name_, "failed pushes (at most one per producer)", plan_.producers,
                   failed_pushes_.load());
    }
    expect_equal(out, name_, "stop requests that were the first", plan_.stoppable,
                 first_stops_.load());
    expect_equal(out, name_, "producers finished", plan_.producers, producers_done_.load());
  }

  std::string progress() const {
    return name_ + ": pushed " + std::to_string(pushed_.load()) + ", received " +
           std::to_string(received_.load()) + ", producers finished " +
           std::to_string(producers_done_.load()) + " of " + std::to_string(plan_.producers);
  }

 private:
  template <model M>
  using channel = typename M::template channel<std::uint64_t>;

  template <model M>
  void run_root() {
    channel<M> ch(plan_.capacity);
    thread_list<M> producers;
    thread_list<M> consumers;
    // Declared after the lists, so destroyed first: on an unexpected error the channel closes
    // before the lists join, and no thread stays blocked on it.
    struct close_on_exit {
      channel<M>& ch;
      ~close_on_exit() { ch.close(); }
    } closer{ch};

    for (unsigned c = 0; c < plan_.consumers; ++c) {
      if (c < plan_.stoppable) {
        consumers.spawn([this, &ch, c](std::stop_token token) {
          guarded(notes_, "consumer " + std::to_string(c),
                  [&] { consume<M>(ch, c, [&] { return ch.pop(token); }); });
        });
      } else {
        consumers.spawn([this, &ch, c] {
          guarded(notes_, "consumer " + std::to_string(c),
                  [&] { consume<M>(ch, c, [&] { return ch.pop(); }); });
        });
      }
    }
    for (unsigned p = 0; p < plan_.producers; ++p) {
      producers.spawn([this, &ch, p] {
        guarded(notes_, "producer " + std::to_string(p), [&] { produce<M>(ch, p); });
      });
    }
    // Stop the stoppable consumers while values flow; the root takes over their share.
    rng r(plan_.seed);
    pause<M>(r, 2, 2, 50);
    for (unsigned c = 0; c < plan_.stoppable; ++c) {
      if (consumers.request_stop(c)) first_stops_.fetch_add(1, std::memory_order_relaxed);
    }
    consume<M>(ch, plan_.consumers, [&] { return ch.pop(); });  // the root: the last consumer
    join_all_noting(producers, notes_, "producer");
    join_all_noting(consumers, notes_, "consumer");
  }

  template <model M>
  void produce(channel<M>& ch, unsigned p) {
    rng r(plan_.seed ^ mix(p + 1));
    for (std::uint32_t i = 0; i < plan_.per_producer; ++i) {
      const std::uint64_t v = (std::uint64_t{p} << 32) | i;
      if (!ch.push(v)) {
        failed_pushes_.fetch_add(1, std::memory_order_relaxed);
        break;  // closed early: stop at the first failure
      }
      pushed_.fetch_add(1, std::memory_order_relaxed);
      pushed_hash_.fetch_add(mix(v), std::memory_order_relaxed);
      pause<M>(r, plan_.yield_one_in, plan_.sleep_one_in, plan_.sleep_us);
    }
    if (producers_done_.fetch_add(1, std::memory_order_acq_rel) + 1 == plan_.producers) {
      ch.close();  // the last producer: nothing more will come
    }
  }

  // consume(ch, c, pop) — consumer c pops with pop() until it returns nothing (closed and drained,
  // or stopped), counting every value and checking each producer's order as this consumer sees it.
  template <model M, class Pop>
  void consume(channel<M>& ch, unsigned c, Pop pop) {
    std::vector<std::int64_t> last(plan_.producers, -1);
    rng r(plan_.seed ^ mix(~std::uint64_t{c}));
    while (std::optional<std::uint64_t> v = pop()) {
      const auto producer = static_cast<std::size_t>(*v >> 32);
      const auto index = static_cast<std::int64_t>(*v & 0xffffffffu);
      if (producer >= last.size() || index <= last[producer]) {
        out_of_order_.fetch_add(1, std::memory_order_relaxed);
      } else {
        last[producer] = index;
      }
      if (c == plan_.consumers && lose_now_) {
        lose_now_ = false;  // the planted fault (channel_plan::lose_one): this one goes uncounted
        continue;
      }
      received_hash_.fetch_add(mix(*v), std::memory_order_relaxed);
      const std::uint64_t n = received_.fetch_add(1, std::memory_order_relaxed) + 1;
      if (n == plan_.close_after) ch.close();
      pause<M>(r, plan_.yield_one_in, plan_.sleep_one_in, plan_.sleep_us);
    }
  }

  const channel_plan plan_;
  const std::string name_;
  notes notes_;
  bool lose_now_ = plan_.lose_one;  // read and written by the root only
  // Observed, by any thread of the activity; read by check() after M::run (which orders every
  // write before it) and by progress() at any time (a snapshot).
  std::atomic<std::uint64_t> pushed_{0};
  std::atomic<std::uint64_t> pushed_hash_{0};
  std::atomic<std::uint64_t> failed_pushes_{0};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> received_hash_{0};
  std::atomic<std::uint64_t> out_of_order_{0};
  std::atomic<std::uint64_t> first_stops_{0};
  // acq_rel: the last producer's increment reads every other producer's, so it closes after
  // their final pushes.
  std::atomic<std::uint64_t> producers_done_{0};
};

}  // namespace threadlab::soak
