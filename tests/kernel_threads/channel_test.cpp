// tests/kernel_threads/channel_test.cpp — kernel_threads::channel: FIFO order, bounds, close.
#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernel_threads/channel.hpp"
#include "kernel_threads/thread.hpp"

namespace {
// let_it_block() — gives a thread time to reach its blocking call. Only makes the test
// exercise the blocked path more often; correctness never depends on it.
void let_it_block() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }
}  // namespace

TEST_CASE("channel delivers items in FIFO order") {
  kernel_threads::channel<int> ch(4);
  CHECK(ch.capacity() == 4);
  for (int i = 0; i < 4; ++i) CHECK(ch.push(i));
  for (int i = 0; i < 4; ++i) CHECK(ch.pop() == i);
}

TEST_CASE("one producer's items arrive in order through a small channel") {
  constexpr int items = 10'000;
  kernel_threads::channel<int> ch(3);
  kernel_threads::thread producer([&] {
    for (int i = 0; i < items; ++i) REQUIRE(ch.push(i));
    ch.close();
  });
  int expected = 0;
  while (auto v = ch.pop()) {
    REQUIRE(*v == expected);
    ++expected;
  }
  producer.join();
  CHECK(expected == items);
}

TEST_CASE("close wakes a pop blocked on an empty channel") {
  kernel_threads::channel<int> ch(1);
  std::optional<int> got = 99;
  kernel_threads::thread consumer([&] { got = ch.pop(); });
  let_it_block();
  ch.close();
  consumer.join();
  CHECK_FALSE(got.has_value());
}

TEST_CASE("close wakes a push blocked on a full channel and that push returns false") {
  kernel_threads::channel<int> ch(1);
  REQUIRE(ch.push(1));
  std::atomic<int> result{-1};
  kernel_threads::thread producer([&] { result = ch.push(2) ? 1 : 0; });
  let_it_block();
  ch.close();
  producer.join();
  CHECK(result.load() == 0);
  CHECK(ch.pop() == 1);  // the item pushed before close is still there
  CHECK_FALSE(ch.pop().has_value());
}

TEST_CASE("after close pop drains what was pushed then returns nullopt and push fails") {
  kernel_threads::channel<std::string> ch(3);
  CHECK(ch.push("a"));
  CHECK(ch.push("b"));
  ch.close();
  ch.close();  // idempotent
  CHECK_FALSE(ch.push("c"));
  CHECK(ch.pop() == std::optional<std::string>("a"));
  CHECK(ch.pop() == std::optional<std::string>("b"));
  CHECK_FALSE(ch.pop().has_value());
}

TEST_CASE("many producers and consumers: every item is received exactly once") {
  constexpr int producers = 3, consumers = 3, per_producer = 2000;
  kernel_threads::channel<int> ch(8);
  std::vector<std::atomic<int>> seen(producers * per_producer);
  std::vector<kernel_threads::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&ch, p] {
      for (int i = 0; i < per_producer; ++i) REQUIRE(ch.push(p * per_producer + i));
    });
  }
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&] {
      while (auto v = ch.pop()) seen[static_cast<std::size_t>(*v)].fetch_add(1);
    });
  }
  for (int p = 0; p < producers; ++p) threads[static_cast<std::size_t>(p)].join();
  ch.close();
  for (int c = 0; c < consumers; ++c) threads[static_cast<std::size_t>(producers + c)].join();
  for (auto& count : seen) REQUIRE(count.load() == 1);
}

TEST_CASE("a channel of capacity 0 is refused") {
  CHECK_THROWS_AS(kernel_threads::channel<int>(0), std::invalid_argument);
}
