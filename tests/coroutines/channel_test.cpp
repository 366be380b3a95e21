// tests/coroutines/channel_test.cpp — the bounded channel: order, capacity, close, many
// producers and consumers, and stop requests that end a push or a pop.
#include <doctest/doctest.h>

#include <coroutines/channel.hpp>
#include <coroutines/runtime.hpp>
#include <coroutines/thread.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "support.hpp"

namespace {
using coroutines::task;
}  // namespace

TEST_CASE("coroutines: channel keeps one producer's order and suspends a push while full") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::vector<int> got;
    int max_ahead = 0;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      coroutines::channel<int> ch(2);
      std::atomic<int> pushed{0};  // read by the consumer, on whichever worker it runs
      auto producer = coroutines::spawn([&]() -> task<void> {
        for (int i = 0; i < 100; ++i) {
          CHECK(co_await ch.push(i));
          pushed = i + 1;
        }
        ch.close();
      });
      while (auto v = co_await ch.pop()) {
        got.push_back(*v);
        const int ahead = pushed.load() - static_cast<int>(got.size());
        if (ahead > max_ahead) max_ahead = ahead;
      }
      co_await producer;
    });
    std::vector<int> expected(100);
    for (int i = 0; i < 100; ++i) expected[i] = i;
    CHECK(got == expected);
    CHECK(max_ahead <= 3);  // capacity 2, plus one handed over directly
  }
}

TEST_CASE("coroutines: after close a channel drains, then pops nullopt and refuses pushes") {
  std::vector<int> drained;
  bool refused = false;
  bool empty_after = false;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    coroutines::channel<std::unique_ptr<int>> ch(3);  // a move-only item
    for (int i = 0; i < 3; ++i) CHECK(co_await ch.push(std::make_unique<int>(i)));
    ch.close();
    ch.close();  // idempotent
    refused = !co_await ch.push(std::make_unique<int>(9));
    while (auto v = co_await ch.pop()) drained.push_back(**v);
    empty_after = !(co_await ch.pop()).has_value();
  });
  CHECK(drained == std::vector<int>{0, 1, 2});
  CHECK(refused);
  CHECK(empty_after);
}

TEST_CASE("coroutines: close wakes every suspended push and pop") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::atomic<int> pops_ended{0};  // counted by threads on any worker
    std::atomic<int> pushes_refused{0};
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      coroutines::channel<int> empty(1);
      coroutines::channel<int> full(1);
      CHECK(co_await full.push(0));
      std::vector<coroutines::join_handle<void>> handles;
      for (int i = 0; i < 3; ++i) {
        handles.push_back(coroutines::spawn([&]() -> task<void> {
          const bool got = (co_await empty.pop()).has_value();  // not in the if: README.md
          if (!got) ++pops_ended;
        }));
        handles.push_back(coroutines::spawn([&]() -> task<void> {
          const bool pushed = co_await full.push(1);
          if (!pushed) ++pushes_refused;
        }));
      }
      for (int i = 0; i < 5; ++i) co_await coroutines::yield();
      empty.close();
      full.close();
      co_await coroutines_test::join_all(handles);
    });
    CHECK(pops_ended.load() == 3);
    CHECK(pushes_refused.load() == 3);
  }
}

TEST_CASE("coroutines: many producers and consumers lose and duplicate nothing") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    constexpr int producers = 8;
    constexpr int per_producer = 5000;
    std::vector<int> seen(producers * per_producer, 0);
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      coroutines::channel<int> ch(16);
      std::vector<coroutines::join_handle<void>> senders;
      std::vector<coroutines::join_handle<std::vector<int>>> receivers;
      for (int p = 0; p < producers; ++p) {
        senders.push_back(coroutines::spawn([&ch, p]() -> task<void> {
          for (int i = 0; i < per_producer; ++i) co_await ch.push(p * per_producer + i);
        }));
      }
      for (int c = 0; c < 6; ++c) {
        receivers.push_back(coroutines::spawn([&ch]() -> task<std::vector<int>> {
          std::vector<int> mine;
          while (auto v = co_await ch.pop()) mine.push_back(*v);
          co_return mine;
        }));
      }
      co_await coroutines_test::join_all(senders);
      ch.close();
      for (auto& r : receivers) {
        for (int v : co_await r) ++seen[v];
      }
    });
    int wrong = 0;
    for (int count : seen) wrong += count != 1 ? 1 : 0;
    CHECK(wrong == 0);
  }
}

TEST_CASE("coroutines: a stop request ends a suspended pop and a suspended push") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::optional<int> popped = 7;
    bool pushed = true;
    bool pop_when_stopped = true;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      coroutines::channel<int> empty(1);
      coroutines::channel<int> full(1);
      CHECK(co_await full.push(0));
      auto receiver = coroutines::spawn([&](std::stop_token token) -> task<void> {
        popped = co_await empty.pop(token);
        pop_when_stopped = (co_await empty.pop(token)).has_value();  // at once
      });
      auto sender = coroutines::spawn(
          [&](std::stop_token token) -> task<void> { pushed = co_await full.push(1, token); });
      for (int i = 0; i < 3; ++i) co_await coroutines::yield();
      receiver.request_stop();
      sender.request_stop();
      co_await receiver;
      co_await sender;
      CHECK(*(co_await full.pop()) == 0);  // the refused item was dropped
      full.close();
      CHECK_FALSE((co_await full.pop()).has_value());
    });
    CHECK_FALSE(popped.has_value());
    CHECK_FALSE(pushed);
    CHECK_FALSE(pop_when_stopped);
  }
}
