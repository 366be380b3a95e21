// tests/hybrid/channel_test.cpp — the bounded MPMC channel: order, capacity, close.
#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

TEST_CASE("channel: items from one producer arrive in order") {
  for (unsigned workers : hybrid_test::worker_counts) {
    for (std::size_t capacity : {1u, 3u, 64u}) {
      CAPTURE(workers);
      CAPTURE(capacity);
      int out_of_order = 0, received = 0;
      hybrid::run(hybrid_test::with_workers(workers), [&] {
        hybrid::channel<int> ch(capacity);
        auto producer = hybrid::spawn([&] {
          for (int i = 0; i < 5000; ++i) ch.push(i);
          ch.close();
        });
        int expected = 0;
        while (std::optional<int> v = ch.pop()) {
          if (*v != expected) ++out_of_order;
          expected = *v + 1;
          ++received;
        }
        producer.join();
      });
      CHECK(out_of_order == 0);
      CHECK(received == 5000);
    }
  }
}

TEST_CASE("channel: push blocks while full until a pop makes room") {
  std::vector<std::string> events;
  hybrid::run(hybrid_test::with_workers(1), [&] {
    hybrid::channel<int> ch(2);
    auto producer = hybrid::spawn([&] {
      for (int i = 0; i < 3; ++i) {
        ch.push(i);
        events.push_back("pushed " + std::to_string(i));
      }
    });
    // One worker: the producer runs only when we block or yield.
    for (int i = 0; i < 5; ++i) hybrid::this_thread::yield();
    events.push_back("popping");
    events.push_back("popped " + std::to_string(*ch.pop()));
    producer.join();
  });
  // The third push cannot complete before the first pop.
  std::vector<std::string> expected = {"pushed 0", "pushed 1", "popping", "popped 0", "pushed 2"};
  CHECK(events == expected);
}

TEST_CASE("channel: close drains what was pushed, then pop returns nullopt and push false") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    std::vector<int> drained;
    bool pop_after = true, push_after = true;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::channel<int> ch(4);
      ch.push(1);
      ch.push(2);
      ch.close();
      while (auto v = ch.pop()) drained.push_back(*v);
      pop_after = ch.pop().has_value();
      push_after = ch.push(3);
    });
    CHECK(drained == std::vector<int>{1, 2});
    CHECK_FALSE(pop_after);
    CHECK_FALSE(push_after);
  }
}

TEST_CASE("channel: close wakes every blocked pusher and popper") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    std::atomic<int> pops_empty{0}, pushes_refused{0};
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::channel<int> empty(1), full(1);
      full.push(0);
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 5; ++i) {
        ts.push_back(hybrid::spawn([&] {
          if (!empty.pop()) pops_empty.fetch_add(1);
        }));
        ts.push_back(hybrid::spawn([&] {
          if (!full.push(1)) pushes_refused.fetch_add(1);
        }));
      }
      for (int i = 0; i < 20; ++i) hybrid::this_thread::yield();
      hybrid::this_thread::sleep_for(std::chrono::milliseconds(5));  // let every waiter block
      empty.close();
      full.close();
      for (auto& t : ts) t.join();
    });
    CHECK(pops_empty.load() == 5);
    CHECK(pushes_refused.load() == 5);
  }
}

TEST_CASE("channel: many producers and consumers, every item received exactly once") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    constexpr int producers = 6, consumers = 5, per_producer = 2000;
    std::vector<std::atomic<int>> seen(producers * per_producer);
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::channel<int> ch(8);
      std::vector<hybrid::thread> ps, cs;
      for (int c = 0; c < consumers; ++c) {
        cs.push_back(hybrid::spawn([&] {
          while (auto v = ch.pop()) seen[*v].fetch_add(1);
        }));
      }
      for (int p = 0; p < producers; ++p) {
        ps.push_back(hybrid::spawn([&, p] {
          for (int i = 0; i < per_producer; ++i) ch.push(p * per_producer + i);
        }));
      }
      for (auto& t : ps) t.join();
      ch.close();
      for (auto& t : cs) t.join();
    });
    int wrong = 0;
    for (auto& s : seen) wrong += s.load() != 1;
    CHECK(wrong == 0);
  }
}

TEST_CASE("channel: carries move-only values") {
  int got = 0;
  hybrid::run(hybrid_test::with_workers(2), [&] {
    hybrid::channel<std::unique_ptr<int>> ch(1);
    auto t = hybrid::spawn([&] {
      for (int i = 1; i <= 3; ++i) ch.push(std::make_unique<int>(i));
      ch.close();
    });
    while (auto v = ch.pop()) got += **v;
    t.join();
  });
  CHECK(got == 6);
}
