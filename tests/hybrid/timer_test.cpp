// tests/hybrid/timer_test.cpp — sleep_for / sleep_until on the per-worker timer heaps.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

using namespace std::chrono_literals;

TEST_CASE("sleep_for sleeps at least the requested time") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    std::vector<std::chrono::nanoseconds> too_short;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::mutex m;
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 8; ++i) {
        ts.push_back(hybrid::spawn([&, i] {
          auto d = std::chrono::milliseconds(1 + i % 4);
          auto t0 = std::chrono::steady_clock::now();
          hybrid::this_thread::sleep_for(d);
          auto slept = std::chrono::steady_clock::now() - t0;
          if (slept < d) {
            std::lock_guard<hybrid::mutex> g(m);
            too_short.push_back(slept);
          }
        }));
      }
      for (auto& t : ts) t.join();
    });
    CHECK(too_short.empty());
  }
}

TEST_CASE("many sleepers wake in deadline order") {
  std::vector<int> order;
  hybrid::run(hybrid_test::with_workers(1), [&] {
    // One worker: the sleepers start only once the body blocks in join, after `base` is set
    // far enough ahead that all of them are asleep before the first deadline.
    std::chrono::steady_clock::time_point base;
    std::vector<hybrid::thread> ts;
    // Spawned in a scrambled order; deadlines 1 ms apart.
    for (int k = 0; k < 20; ++k) {
      int i = (k * 7) % 20;
      ts.push_back(hybrid::spawn([&, i] {
        hybrid::this_thread::sleep_until(base + std::chrono::milliseconds(i));
        order.push_back(i);
      }));
    }
    base = std::chrono::steady_clock::now() + 50ms;
    for (auto& t : ts) t.join();
  });
  REQUIRE(order.size() == 20);
  CHECK(std::is_sorted(order.begin(), order.end()));
}

TEST_CASE("a sleeping thread does not block its worker") {
  long progressed_at_wake = -1;
  hybrid::run(hybrid_test::with_workers(1), [&] {
    long progressed = 0;
    bool done = false;
    auto sleeper = hybrid::spawn([&] {
      hybrid::this_thread::sleep_for(20ms);
      progressed_at_wake = progressed;
      done = true;
    });
    // One worker: this loop runs while the sleeper sleeps (bounded).
    while (!done && progressed < 100'000'000) {
      ++progressed;
      hybrid::this_thread::yield();
    }
    sleeper.join();
  });
  CHECK(progressed_at_wake > 0);
}
