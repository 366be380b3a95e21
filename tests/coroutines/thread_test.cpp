// tests/coroutines/thread_test.cpp — spawn, join (results and exceptions), detach, stop tokens,
// ids, and what run reports.
#include <doctest/doctest.h>

#include <coroutines/channel.hpp>
#include <coroutines/runtime.hpp>
#include <coroutines/thread.hpp>

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using coroutines::task;

task<int> square(int x) {
  co_await coroutines::yield();
  co_return x* x;
}

}  // namespace

TEST_CASE("coroutines: spawn and join return each thread's result, on every worker count") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    long sum = 0;
    const auto s = coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      std::vector<coroutines::join_handle<int>> handles;
      for (int i = 1; i <= 100; ++i) handles.push_back(coroutines::spawn(square(i)));
      for (auto& h : handles) {
        CHECK(h.joinable());
        sum += co_await h;
        CHECK_FALSE(h.joinable());
      }
    });
    CHECK(sum == 338350);
    CHECK(s.workers == workers);
    CHECK(s.threads_spawned == 101);  // the body too
  }
}

TEST_CASE("coroutines: join rethrows the exception that escaped the thread") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::string caught;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto h = coroutines::spawn([]() -> task<int> {
        co_await coroutines::yield();
        throw std::out_of_range("thread failed");
      });
      try {
        (void)co_await h.join();
      } catch (const std::out_of_range& e) {
        caught = e.what();
      }
    });
    CHECK(caught == "thread failed");
  }
}

TEST_CASE("coroutines: a dropped handle detaches, and run still waits for the thread") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::atomic<int> finished{0};
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      for (int i = 0; i < 50; ++i) {
        coroutines::spawn([&]() -> task<void> {
          for (int k = 0; k < 3; ++k) co_await coroutines::yield();
          finished.fetch_add(1, std::memory_order_relaxed);
        });
      }
      co_return;  // the body ends first
    });
    CHECK(finished.load() == 50);
  }
}

TEST_CASE("coroutines: a lambda's captures live as long as the thread it was spawned as") {
  int total = 0;
  coroutines::run(coroutines_test::with_workers(2), [&]() -> task<void> {
    std::vector<coroutines::join_handle<int>> handles;
    for (int i = 0; i < 10; ++i) {
      std::string owned(100, static_cast<char>('a' + i));  // captured by value, heap-allocated
      handles.push_back(coroutines::spawn([owned]() -> task<int> {
        co_await coroutines::yield();
        co_return static_cast<int>(owned.size()) + (owned[0] - 'a');
      }));
    }
    for (auto& h : handles) total += co_await h;
  });
  CHECK(total == 1000 + 45);
}

TEST_CASE("coroutines: request_stop reaches a function that takes a stop_token") {
  bool saw_stop = false;
  bool no_token_refused = false;
  coroutines::run(coroutines_test::with_workers(2), [&]() -> task<void> {
    coroutines::channel<int> never(1);
    auto waiter = coroutines::spawn([&](std::stop_token token) -> task<void> {
      auto v = co_await never.pop(token);
      saw_stop = !v && token.stop_requested();
    });
    auto plain = coroutines::spawn([]() -> task<void> { co_return; });
    no_token_refused = !plain.request_stop() && !plain.get_stop_token().stop_possible();
    co_await coroutines::yield();
    CHECK(waiter.get_stop_token().stop_possible());
    CHECK(waiter.request_stop());
    CHECK_FALSE(waiter.request_stop());  // already requested
    co_await waiter;
    co_await plain;
  });
  CHECK(saw_stop);
  CHECK(no_token_refused);
}

TEST_CASE("coroutines: thread ids are unique and the body is #1") {
  std::set<std::uint64_t> ids;
  std::uint64_t body_id = 0;
  coroutines::run(coroutines_test::with_workers(2), [&]() -> task<void> {
    body_id = coroutines::this_thread::get_id();
    std::vector<coroutines::join_handle<std::uint64_t>> handles;
    for (int i = 0; i < 20; ++i) {
      handles.push_back(coroutines::spawn(
          []() -> task<std::uint64_t> { co_return coroutines::this_thread::get_id(); }));
    }
    for (auto& h : handles) {
      const std::uint64_t id = h.id();
      CHECK(co_await h == id);
      ids.insert(id);
    }
  });
  CHECK(body_id == 1);
  CHECK(ids.size() == 20);
  CHECK(ids.count(1) == 0);
}

TEST_CASE("coroutines: runs do not nest") {
  bool refused = false;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    try {
      coroutines::run(coroutines_test::with_workers(1), []() -> task<void> { co_return; });
    } catch (const std::logic_error&) {
      refused = true;
    }
    co_return;
  });
  CHECK(refused);
}

TEST_CASE("coroutines: a thread suspended forever is a deadlock_error, not a hang") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    // Static: the deadlocked threads' frames are never destroyed (runtime.hpp), and stay
    // reachable through the channel's wait list, so a leak checker does not report them.
    static coroutines::channel<int> nobody_sends(1);
    std::size_t blocked = 0;
    try {
      coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
        coroutines::spawn([]() -> task<void> { (void)co_await nobody_sends.pop(); });
        (void)co_await nobody_sends.pop();
      });
    } catch (const coroutines::deadlock_error& e) {
      blocked = e.blocked_threads();
    }
    CHECK(blocked == 2);
  }
}
