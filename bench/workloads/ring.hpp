// bench/workloads/ring.hpp — a token passed around a ring of threads.
//
// What it shows: a hand-off to a *different* thread every time, across many threads: unlike
// pingpong, the thread woken next is never the one that just slept, so caches and run queues
// see a long cycle (100 threads) instead of a pair.
//
// How: `members` threads (100, or fewer when the model's thread_limit is lower), each with an
// inbox channel of capacity 1. The body puts the token, carrying the number of hops still to
// make (`size`), into member 0's inbox. A member that receives n > 0 passes n - 1 to the next
// member (one hop); the member that receives 0 reports its index to the body through `done`.
// The body then closes every inbox, which ends every member's loop, and joins them.
//
// Coroutine form (run_async): the same ring, every push and pop co_awaited.
//
// Timed: from putting the token in to the report on `done` (spawns and joins not counted).
// Checked: the members forwarded `size` hops in total, and the token stopped at member
// size % members (where `size` hops from member 0 must end).
// Reported: ns_per_hop (headline), hops_per_s.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct ring {
  static constexpr std::string_view name = "ring";
  static constexpr std::string_view description =
      "a token passed around a ring of 100 threads, one inbox of capacity 1 each: ns per hop";
  static constexpr capability requires_caps = capability::waits_on_threads;
  // default_size — 20,000 hops. A kernel hop (wake a sleeping thread, which then sleeps)
  // measured 14 us on the shared 2-core development machine, so 1:1 takes about 0.3 s; a fiber
  // model takes a few milliseconds (about 85 ns per hop for green).
  static constexpr std::uint64_t default_size = 20'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (hops).
  static constexpr std::uint64_t smoke_size = 500;
  static constexpr std::uint64_t trace_size = 1'000;
  // ring_size — members of the ring when the model allows it.
  static constexpr std::uint64_t ring_size = 100;

  // run<M>(opts, size) — passes the token `size` hops. Precondition: size >= 1, and the model
  // can hold at least 3 threads (the body and two members).
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const std::uint64_t members = members_for<M>(opts, size);
    using channel = typename M::template channel<std::uint64_t>;

    std::vector<std::uint64_t> forwarded(members, 0);  // slot i: written by member i at exit
    std::optional<std::uint64_t> stopped_at;
    double total_ns = 0;

    M::run(opts, [&] {
      // A deque builds channels in place: a channel need not be movable.
      std::deque<channel> inboxes;
      for (std::uint64_t i = 0; i < members; ++i) inboxes.emplace_back(1);
      channel done(1);

      support::thread_group<M> group(members);
      support::at_exit close_all([&] {
        for (channel& inbox : inboxes) inbox.close();
        done.close();
      });
      for (std::uint64_t i = 0; i < members; ++i) {
        group.spawn([&, i] {
          channel& inbox = inboxes[i];
          channel& next = inboxes[(i + 1) % members];
          std::uint64_t hops = 0;
          while (std::optional<std::uint64_t> left = inbox.pop()) {
            if (*left == 0) {
              done.push(i);
              continue;
            }
            ++hops;
            if (!next.push(*left - 1)) break;
          }
          forwarded[i] = hops;
        });
      }

      const auto start = bench_clock::now();
      inboxes[0].push(size);
      stopped_at = done.pop();
      total_ns = elapsed_ns(start, bench_clock::now());

      close_all.run_now();
      group.join_all();
    });
    return report<M>(size, forwarded, stopped_at, total_ns);
  }

  // run_async<M>(opts, size) — run's coroutine form: every push and pop is co_awaited.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    const std::uint64_t members = members_for<M>(opts, size);
    using channel = typename M::template channel<std::uint64_t>;
    using task = typename M::template task<void>;

    std::vector<std::uint64_t> forwarded(members, 0);
    std::optional<std::uint64_t> stopped_at;
    double total_ns = 0;

    M::run(opts, [&]() -> task {
      std::deque<channel> inboxes;
      for (std::uint64_t i = 0; i < members; ++i) inboxes.emplace_back(1);
      channel done(1);

      support::async_thread_group<M> group(members);
      support::at_exit close_all([&] {
        for (channel& inbox : inboxes) inbox.close();
        done.close();
      });
      for (std::uint64_t i = 0; i < members; ++i) {
        group.spawn([&, i]() -> task {
          channel& inbox = inboxes[i];
          channel& next = inboxes[(i + 1) % members];
          std::uint64_t hops = 0;
          while (std::optional<std::uint64_t> left = co_await inbox.pop()) {
            if (*left == 0) {
              co_await done.push(i);
              continue;
            }
            ++hops;
            const bool passed = co_await next.push(*left - 1);
            if (!passed) break;
          }
          forwarded[i] = hops;
        });
      }

      const auto start = bench_clock::now();
      co_await inboxes[0].push(size);
      stopped_at = co_await done.pop();
      total_ns = elapsed_ns(start, bench_clock::now());

      close_all.run_now();
      co_await group.join_all();
    });
    return report<M>(size, forwarded, stopped_at, total_ns);
  }

 private:
  // members_for<M>(opts, size) — the ring's members on M: ring_size, or fewer when thread_limit
  // says so (the body is a thread of the model too). Throws std::invalid_argument when size is 0 or
  // the model cannot hold a ring.
  template <class M>
  static std::uint64_t members_for(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("ring: size must be at least 1");
    const std::uint64_t members = std::min(ring_size, support::spawn_budget<M>(opts));
    if (members < 2) {
      throw std::invalid_argument("ring: the model's thread_limit " +
                                  std::to_string(M::thread_limit) + " cannot hold a ring");
    }
    return members;
  }

  // report<M>(size, forwarded, stopped_at, total_ns) — both forms' check (every hop forwarded
  // once, the token ending at member size % members) and sample.
  template <class M>
  static sample report(std::uint64_t size, const std::vector<std::uint64_t>& forwarded,
                       const std::optional<std::uint64_t>& stopped_at, double total_ns) {
    const std::uint64_t members = forwarded.size();
    std::uint64_t total_hops = 0;
    for (std::uint64_t h : forwarded) total_hops += h;
    support::expect_equal("ring: hops forwarded", size, total_hops);
    if (!stopped_at) throw wrong_result("ring: the token never came back");
    support::expect_equal("ring: member holding the token at the end", size % members, *stopped_at);

    sample s;
    s.size = size;
    s.metrics = {
        support::metric("ns_per_hop", "ns", support::per_unit(total_ns, size)),
        support::metric("hops_per_s", "hops/s", support::per_second(size, total_ns), false),
    };
    s.check = support::grouped(size) + " hops around " + support::grouped(members) +
              " threads, ending at member " + std::to_string(size % members);
    if (members < ring_size) {
      s.scaled = true;
      s.note = "ring of " + support::grouped(members) + " threads: thread_limit " +
               support::grouped(M::thread_limit);
    }
    return s;
  }
};

}  // namespace threadlab::workloads
