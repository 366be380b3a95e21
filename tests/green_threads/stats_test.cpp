// tests/green_threads/stats_test.cpp — the counters a world returns from run (stats): spawns
// counted exactly, pushes seen, steals only where fibers moved, parks told apart by
// what ended them; and the two adapters reporting them as the harness's sched_* counters.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <green_threads/blocking.hpp>
#include <green_threads/runtime.hpp>
#include <green_threads/thread.hpp>

#include "bench/models/boost_fiber_ws.hpp"
#include "bench/models/green.hpp"
#include "bench/scheduler_counters.hpp"

namespace gt = green_threads;
using namespace std::chrono_literals;

namespace {

// spawn_and_join(n, yields) — a body that spawns n fibers, each yielding `yields` times, and
// joins them.
auto spawn_and_join(int n, int yields) {
  return [n, yields] {
    std::vector<gt::thread> fibers;
    for (int i = 0; i < n; ++i) {
      fibers.push_back(gt::spawn([yields] {
        for (int k = 0; k < yields; ++k) gt::this_thread::yield();
      }));
    }
    for (auto& f : fibers) f.join();
  };
}

gt::options work_stealing(unsigned workers, gt::idle_policy idle) {
  gt::options o;
  o.scheduling = gt::algorithm::work_stealing;
  o.workers = workers;
  o.idle = idle;
  return o;
}

}  // namespace

TEST_CASE("stats: a round_robin world counts every spawn and the body") {
  for (int n : {0, 1, 100}) {
    const gt::stats s = gt::run({}, spawn_and_join(n, 0));
    CHECK(s.workers == 1);
    CHECK(s.threads_spawned == static_cast<std::uint64_t>(n) + 1);
    CHECK(s.steals == 0);
    CHECK(s.threads_stolen == 0);
  }
  // Fibers spawned by fibers count too; every run starts from zero.
  for (int r = 0; r < 2; ++r) {
    const gt::stats s = gt::run({}, [] {
      gt::thread outer = gt::spawn([] {
        gt::thread inner = gt::spawn([] {});
        inner.join();
      });
      outer.join();
    });
    CHECK(s.threads_spawned == 3);
  }
}

TEST_CASE("stats: every yield pushes the yielding fiber") {
  constexpr int fibers = 10;
  constexpr int yields = 20;
  const gt::stats s = gt::run({}, spawn_and_join(fibers, yields));
  // Each yield puts the fiber back on the ready queue; each spawn (launch::dispatch) its parent.
  CHECK(s.local_pushes >= std::uint64_t{fibers} * (yields + 1));
  // launch::post: every new fiber is pushed, once more.
  gt::options post;
  post.launch = gt::launch_policy::post;
  const gt::stats p = gt::run(post, spawn_and_join(fibers, yields));
  CHECK(p.threads_spawned == fibers + 1);
  CHECK(p.local_pushes >= std::uint64_t{fibers} * (yields + 1));
  // Main and dispatcher contexts are not counted: a world that never switches pushes nothing.
  CHECK(gt::run({}, [] {}).local_pushes == 0);
}

TEST_CASE("stats: a round_robin world that only sleeps parks until its deadline") {
  const gt::stats s = gt::run({}, [] {
    for (int i = 0; i < 3; ++i) gt::this_thread::sleep_for(5ms);
  });
  CHECK(s.worker_parks >= 3);
  CHECK(s.park_timeouts >= 3);  // nothing else could end those waits
  CHECK(s.worker_unparks == 0);
  CHECK(s.worker_unparks + s.park_timeouts <= s.worker_parks);
}

TEST_CASE("stats: a blocking call's completion unparks the round_robin world") {
  const gt::stats s = gt::run({}, [] {
    for (int i = 0; i < 3; ++i) gt::blocking([] { std::this_thread::sleep_for(10ms); });
  });
  // Each call leaves the world with nothing ready until the helper's notify.
  CHECK(s.worker_unparks >= 3);
  CHECK(s.worker_unparks + s.park_timeouts <= s.worker_parks);
}

TEST_CASE("stats: work_stealing workers that sleep park exactly as often as they are woken") {
  constexpr int fibers = 8;
  for (int r = 0; r < 3; ++r) {
    const gt::stats s = gt::run(work_stealing(2, gt::idle_policy::sleep), [] {
      std::vector<gt::thread> ts;
      for (int i = 0; i < fibers; ++i) {
        ts.push_back(gt::spawn([i] {
          if (i % 2 == 0) {
            gt::this_thread::sleep_for(2ms);
          } else {
            gt::blocking([] { std::this_thread::sleep_for(2ms); });
          }
          gt::this_thread::yield();
        }));
      }
      for (auto& t : ts) t.join();
    });
    CHECK(s.workers == 2);
    CHECK(s.threads_spawned == fibers + 1);
    CHECK(s.worker_parks >= 1);  // every fiber waits at once: both workers go idle
    // A park ends by one counted notify or by its deadline, never both, never neither.
    CHECK(s.worker_parks == s.worker_unparks + s.park_timeouts);
    CHECK(s.idle_spins == 0);
    CHECK(s.threads_stolen == s.steals);
  }
}

TEST_CASE("stats: work_stealing counts a steal for every fiber that ran on the other worker") {
  std::mutex seen_mutex;  // a kernel mutex: held only for an insert, never across a switch
  std::set<std::thread::id> seen;
  const gt::stats s = gt::run(work_stealing(2, gt::idle_policy::spin), [&] {
    std::vector<gt::thread> ts;
    for (int i = 0; i < 20; ++i) {
      ts.push_back(gt::spawn([&] {
        for (int k = 0; k < 100'000; ++k) {
          {
            std::lock_guard lock(seen_mutex);
            seen.insert(std::this_thread::get_id());
            if (seen.size() == 2) break;
          }
          gt::this_thread::yield();
        }
      }));
    }
    for (auto& t : ts) t.join();
    // Idle for a while: with idle_policy::spin the workers go round without parking.
    gt::this_thread::sleep_for(2ms);
  });
  REQUIRE(seen.size() == 2);
  // A fiber reaches another kernel thread only by a steal: body is posted on worker 0, and a
  // spawned fiber starts where its parent runs (launch::dispatch).
  CHECK(s.steals >= 1);
  CHECK(s.threads_stolen == s.steals);
  CHECK(s.threads_spawned == 21);
  CHECK(s.idle_spins >= 1);
  CHECK(s.worker_parks == 0);
  CHECK(s.worker_unparks == 0);
}

TEST_CASE("green and boost_fiber_ws adapters report the world's counters") {
  using threadlab::models::boost_fiber_ws;
  using threadlab::models::green;
  threadlab::scheduler_counters counted;
  threadlab::run_options opts;
  opts.workers = 2;
  opts.counters = &counted;
  green::run(opts, [] {
    std::vector<green::thread> ts;
    for (int i = 0; i < 50; ++i) ts.push_back(green::spawn([] { green::yield(); }));
    for (auto& t : ts) t.join();
  });
  CHECK(counted.find("threads_spawned") == 51u);
  CHECK(counted.find("local_pushes") >= 50u);
  CHECK(counted.find("worker_parks").has_value());
  CHECK_FALSE(counted.find("steals").has_value());  // one kernel thread: no peers
  CHECK(counted.find("unguarded_stacks") == 0u);    // 51 stacks: far below the guard budget
  // A second run in the same repetition adds to the same sink.
  green::run(opts, [] { green::spawn([] {}).join(); });
  CHECK(counted.find("threads_spawned") == 53u);

  threadlab::scheduler_counters ws_counted;
  opts.counters = &ws_counted;
  boost_fiber_ws::run(opts, [] {
    std::vector<boost_fiber_ws::thread> ts;
    for (int i = 0; i < 50; ++i) ts.push_back(boost_fiber_ws::spawn([] {}));
    for (auto& t : ts) t.join();
  });
  CHECK(ws_counted.find("threads_spawned") == 51u);
  CHECK(ws_counted.find("steals").has_value());
  CHECK(ws_counted.find("threads_stolen") == ws_counted.find("steals"));
  CHECK(ws_counted.find("idle_spins").has_value());

  // No sink: nothing to report to, and nothing breaks.
  opts.counters = nullptr;
  green::run(opts, [] {});
}
