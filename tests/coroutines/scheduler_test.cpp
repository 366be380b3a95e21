// tests/coroutines/scheduler_test.cpp — yield fairness, sleep ordering and stop, stealing, and
// the scheduler's own counters.
#include <doctest/doctest.h>

#include <coroutines/runtime.hpp>
#include <coroutines/scheduler.hpp>
#include <coroutines/thread.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

namespace {
using coroutines::task;
using namespace std::chrono_literals;
}  // namespace

TEST_CASE("coroutines: yield lets every other ready thread of the worker run, in turn") {
  std::string order;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    std::vector<coroutines::join_handle<void>> handles;
    for (char name : {'a', 'b', 'c'}) {
      handles.push_back(coroutines::spawn([&order, name]() -> task<void> {
        for (int i = 0; i < 3; ++i) {
          order += name;
          co_await coroutines::yield();
        }
      }));
    }
    co_await coroutines_test::join_all(handles);
  });
  // One worker: each yield goes to the back of the line, so the three threads alternate.
  CHECK(order == "cbacbacba");
}

TEST_CASE("coroutines: sleepers wake in deadline order, never early") {
  std::vector<int> woke;
  bool early = false;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    const auto base = std::chrono::steady_clock::now();
    std::vector<coroutines::join_handle<void>> handles;
    for (int k : {3, 1, 4, 2, 5}) {
      handles.push_back(coroutines::spawn([&, k]() -> task<void> {
        const auto deadline = base + k * 2ms;
        CHECK(co_await coroutines::sleep_until(deadline));
        if (std::chrono::steady_clock::now() < deadline) early = true;
        woke.push_back(k);
      }));
    }
    co_await coroutines_test::join_all(handles);
    const auto before = std::chrono::steady_clock::now();
    co_await coroutines::sleep_for(1ms);
    if (std::chrono::steady_clock::now() - before < 1ms) early = true;
  });
  CHECK(woke == std::vector<int>{1, 2, 3, 4, 5});
  CHECK_FALSE(early);
}

TEST_CASE("coroutines: a stop request ends a sleep at once and the sleep reports it") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    bool slept_fully = true;
    bool already_stopped_slept = true;
    const auto s = coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto sleeper = coroutines::spawn([&](std::stop_token token) -> task<void> {
        slept_fully = co_await coroutines::sleep_for(std::chrono::hours(1), token);
        already_stopped_slept = co_await coroutines::sleep_for(std::chrono::hours(1), token);
      });
      co_await coroutines::sleep_for(1ms);  // the sleeper is most likely asleep by now
      sleeper.request_stop();
      co_await sleeper;
    });
    CHECK_FALSE(slept_fully);
    CHECK_FALSE(already_stopped_slept);
    CHECK(s.timer_fires >= 1);  // the body's own sleep
  }
}

TEST_CASE("coroutines: threads that never suspend are stolen by the other workers") {
  // Each thread spins until it has seen every worker run one of them: only stealing (or the
  // injection queue) can get a thread spawned on worker 0 onto the others. It hangs otherwise.
  for (unsigned workers : {2U, 4U}) {
    CAPTURE(workers);
    std::atomic<unsigned> seen_mask{0};
    const unsigned all = (1U << workers) - 1;
    const auto s = coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      std::vector<coroutines::join_handle<void>> handles;
      for (unsigned i = 0; i < workers * 4; ++i) {
        handles.push_back(coroutines::spawn([&]() -> task<void> {
          seen_mask.fetch_or(1U << coroutines::worker_id());
          while (seen_mask.load() != all) {
          }
          co_return;
        }));
      }
      co_await coroutines_test::join_all(handles);
    });
    CHECK(seen_mask.load() == all);
    CHECK(s.steals + s.injection_pushes >= 1);
    CHECK(s.threads_stolen >= s.steals);
  }
}

TEST_CASE("coroutines: worker_id and worker_count describe the run") {
  std::set<unsigned> ids;
  unsigned count = 0;
  coroutines::run(coroutines_test::with_workers(3), [&]() -> task<void> {
    count = coroutines::worker_count();
    ids.insert(coroutines::worker_id());
    co_return;
  });
  CHECK(count == 3);
  CHECK(ids.size() == 1);
  CHECK(*ids.begin() < 3);
  CHECK(coroutines::describe(coroutines_test::with_workers(3)).find("workers=3") == 0);
}

TEST_CASE("coroutines: idle workers sleep and are woken for new work") {
  const auto s = coroutines::run(coroutines_test::with_workers(2), [&]() -> task<void> {
    for (int round = 0; round < 20; ++round) {
      co_await coroutines::sleep_for(1ms);  // the other worker parks meanwhile
      auto h = coroutines::spawn([]() -> task<int> { co_return 1; });
      CHECK(co_await h == 1);
    }
  });
  CHECK(s.worker_parks >= 1);
  CHECK(s.timer_fires == 20);
}
