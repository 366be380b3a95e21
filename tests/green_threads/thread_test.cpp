// tests/green_threads/thread_test.cpp — spawn, join, exceptions, yield and sleep of green
// threads, and the N:1 promise: every fiber of a world runs on one kernel thread.
#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <thread>
#include <vector>

#include <green_threads/runtime.hpp>
#include <green_threads/sync.hpp>
#include <green_threads/thread.hpp>

namespace gt = green_threads;

TEST_CASE("spawn runs the function and join waits for it") {
  int result = 0;
  gt::run({}, [&] {
    gt::thread t = gt::spawn([&] { result = 42; });
    CHECK(t.joinable());
    t.join();
    CHECK_FALSE(t.joinable());
    CHECK(result == 42);
  });
  CHECK(result == 42);
}

TEST_CASE("join rethrows the exception that escaped the thread") {
  gt::run({}, [] {
    gt::thread t = gt::spawn([] { throw std::runtime_error("boom in fiber"); });
    CHECK_THROWS_WITH_AS(t.join(), "boom in fiber", std::runtime_error);
    // A thread that did not throw joins cleanly after one that did.
    gt::thread ok = gt::spawn([] {});
    CHECK_NOTHROW(ok.join());
  });
}

TEST_CASE("a moved handle joins the same thread") {
  int ran = 0;
  gt::run({}, [&] {
    gt::thread a = gt::spawn([&] { ++ran; });
    gt::thread b = std::move(a);
    CHECK_FALSE(a.joinable());
    b.join();
  });
  CHECK(ran == 1);
}

TEST_CASE("every fiber of a world runs on the same kernel thread") {
  constexpr int fibers = 50;
  std::vector<std::thread::id> seen;
  std::thread::id body_thread;
  gt::run({}, [&] {
    body_thread = std::this_thread::get_id();
    std::vector<gt::thread> threads;
    for (int i = 0; i < fibers; ++i) {
      threads.push_back(gt::spawn([&] {
        for (int k = 0; k < 3; ++k) {
          seen.push_back(std::this_thread::get_id());
          gt::this_thread::yield();
        }
      }));
    }
    for (auto& t : threads) t.join();
  });
  REQUIRE(seen.size() == fibers * 3);
  for (const auto& id : seen) CHECK(id == body_thread);
}

TEST_CASE("yield lets the other ready fibers run in round-robin order") {
  std::vector<int> order;
  gt::options post;
  post.launch = gt::launch_policy::post;
  gt::run(post, [&] {
    gt::thread a = gt::spawn([&] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(1);
        gt::this_thread::yield();
      }
    });
    gt::thread b = gt::spawn([&] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(2);
        gt::this_thread::yield();
      }
    });
    a.join();
    b.join();
  });
  CHECK(order == std::vector<int>{1, 2, 1, 2, 1, 2});
}

TEST_CASE("dispatch runs the child before spawn returns; post runs it later") {
  for (auto policy : {gt::launch_policy::dispatch, gt::launch_policy::post}) {
    gt::options o;
    o.launch = policy;
    bool ran_before_return = false;
    gt::run(o, [&] {
      bool ran = false;
      gt::thread t = gt::spawn([&] { ran = true; });
      ran_before_return = ran;
      t.join();
      CHECK(ran);
    });
    CHECK(ran_before_return == (policy == gt::launch_policy::dispatch));
  }
}

TEST_CASE("sleep_for blocks the fiber, not the kernel thread") {
  int ticks_while_sleeping = 0;
  gt::run({}, [&] {
    bool woke = false;
    gt::thread sleeper = gt::spawn([&] {
      gt::this_thread::sleep_for(std::chrono::milliseconds(20));
      woke = true;
    });
    // Bounded: 20 ms of sleep cannot outlast 10 million yields.
    for (int i = 0; i < 10'000'000 && !woke; ++i) {
      ++ticks_while_sleeping;
      gt::this_thread::yield();
    }
    sleeper.join();
    CHECK(woke);
  });
  CHECK(ticks_while_sleeping > 1);
}

TEST_CASE("10,000 fibers are alive at once, parked on a condition variable") {
  constexpr int fibers = 10'000;
  int parked = 0;
  int finished = 0;
  gt::run({}, [&] {
    gt::mutex mu;
    gt::condition_variable cv;
    bool release = false;
    std::vector<gt::thread> threads;
    threads.reserve(fibers);
    for (int i = 0; i < fibers; ++i) {
      threads.push_back(gt::spawn([&] {
        std::unique_lock lock(mu);
        ++parked;
        cv.wait(lock, [&] { return release; });
        ++finished;
      }));
    }
    // With launch::dispatch each fiber has run up to its wait before spawn returned.
    CHECK(parked == fibers);
    CHECK(finished == 0);
    {
      std::lock_guard lock(mu);
      release = true;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
  });
  CHECK(finished == fibers);
}

TEST_CASE("mutex serialises fibers that yield inside the critical section") {
  constexpr int fibers = 20;
  constexpr int rounds = 50;
  long counter = 0;
  int inside = 0;
  int max_inside = 0;
  gt::run({}, [&] {
    gt::mutex mu;
    std::vector<gt::thread> threads;
    for (int i = 0; i < fibers; ++i) {
      threads.push_back(gt::spawn([&] {
        for (int r = 0; r < rounds; ++r) {
          std::lock_guard lock(mu);
          ++inside;
          if (inside > max_inside) max_inside = inside;
          gt::this_thread::yield();  // another fiber runs, and must not enter
          ++counter;
          --inside;
        }
      }));
    }
    for (auto& t : threads) t.join();
  });
  CHECK(counter == fibers * rounds);
  CHECK(max_inside == 1);
}
