// tests/green_threads/channel_test.cpp — channel<T>: FIFO, exact capacity, blocking when full,
// close semantics and drain after close.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <green_threads/channel.hpp>
#include <green_threads/runtime.hpp>
#include <green_threads/thread.hpp>

namespace gt = green_threads;

TEST_CASE("channel capacity is exactly the requested one") {
  for (std::size_t capacity : {1u, 2u, 3u, 4u, 5u}) {
    std::size_t pushed = 0;
    gt::run({}, [&] {
      gt::channel<int> ch(capacity);
      CHECK(ch.capacity() == capacity);
      gt::thread producer = gt::spawn([&] {
        while (ch.push(1)) ++pushed;
      });
      // dispatch ran the producer until push blocked on a full channel.
      CHECK(pushed == capacity);
      ch.close();
      producer.join();
    });
    CHECK(pushed == capacity);
  }
}

TEST_CASE("channel delivers items in push order") {
  std::vector<int> received;
  gt::run({}, [&] {
    gt::channel<int> ch(4);
    gt::thread producer = gt::spawn([&] {
      for (int i = 0; i < 100; ++i) REQUIRE(ch.push(i));
      ch.close();
    });
    while (auto v = ch.pop()) received.push_back(*v);
    producer.join();
  });
  REQUIRE(received.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(received[i] == i);
}

TEST_CASE("push blocks while the channel is full") {
  int pushed = 0;
  gt::run({}, [&] {
    gt::channel<int> ch(1);  // holds exactly one item
    gt::thread producer = gt::spawn([&] {
      for (int i = 0; i < 3; ++i) {
        ch.push(i);
        ++pushed;
      }
    });
    // dispatch ran the producer until it blocked on the second push.
    CHECK(pushed == 1);
    for (int i = 0; i < 10; ++i) gt::this_thread::yield();
    CHECK(pushed == 1);
    CHECK(ch.pop() == std::optional<int>(0));
    CHECK(ch.pop() == std::optional<int>(1));
    CHECK(ch.pop() == std::optional<int>(2));
    producer.join();
    CHECK(pushed == 3);
  });
}

TEST_CASE("pop drains what was pushed before close, then returns nullopt") {
  gt::run({}, [] {
    gt::channel<std::string> ch(3);
    CHECK(ch.push("a"));
    CHECK(ch.push("b"));
    ch.close();
    CHECK_FALSE(ch.push("c"));  // dropped: closed
    CHECK(ch.pop() == std::optional<std::string>("a"));
    CHECK(ch.pop() == std::optional<std::string>("b"));
    CHECK(ch.pop() == std::nullopt);
    CHECK(ch.pop() == std::nullopt);
    ch.close();  // idempotent
  });
}

TEST_CASE("close wakes every blocked pop and push") {
  int pops_woken = 0;
  int pushes_failed = 0;
  gt::run({}, [&] {
    gt::channel<int> empty(1);
    gt::channel<int> full(1);
    REQUIRE(full.push(7));
    std::vector<gt::thread> waiters;
    for (int i = 0; i < 5; ++i) {
      waiters.push_back(gt::spawn([&] {
        if (!empty.pop()) ++pops_woken;
      }));
      waiters.push_back(gt::spawn([&] {
        if (!full.push(8)) ++pushes_failed;
      }));
    }
    CHECK(pops_woken == 0);
    CHECK(pushes_failed == 0);
    empty.close();
    full.close();
    for (auto& t : waiters) t.join();
    CHECK(full.pop() == std::optional<int>(7));  // still drains
    CHECK(full.pop() == std::nullopt);
  });
  CHECK(pops_woken == 5);
  CHECK(pushes_failed == 5);
}

TEST_CASE("many producers and consumers: every item is received exactly once") {
  constexpr int producers = 4;
  constexpr int consumers = 3;
  constexpr int per_producer = 500;
  std::vector<int> count(producers * per_producer, 0);
  gt::run({}, [&] {
    gt::channel<int> ch(2);
    std::vector<gt::thread> ps;
    std::vector<gt::thread> cs;
    for (int c = 0; c < consumers; ++c) {
      cs.push_back(gt::spawn([&] {
        while (auto v = ch.pop()) ++count[*v];
      }));
    }
    for (int p = 0; p < producers; ++p) {
      ps.push_back(gt::spawn([&, p] {
        for (int i = 0; i < per_producer; ++i) ch.push(p * per_producer + i);
      }));
    }
    for (auto& t : ps) t.join();
    ch.close();
    for (auto& t : cs) t.join();
  });
  for (int n : count) REQUIRE(n == 1);
}
