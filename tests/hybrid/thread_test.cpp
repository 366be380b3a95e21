// tests/hybrid/thread_test.cpp — spawn, join, exceptions, stop tokens, yield, ids, names.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <vector>

#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {
struct custom_error : std::runtime_error {
  int code;
  explicit custom_error(int c) : std::runtime_error("custom"), code(c) {}
};
}  // namespace

TEST_CASE("join waits for the thread and sees its effects") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    std::vector<int> results(200, -1);
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 200; ++i) {
        ts.push_back(hybrid::spawn([&results, i] {
          if (i % 3 == 0) hybrid::this_thread::yield();
          results[i] = i * i;  // plain write: join must publish it
        }));
      }
      for (auto& t : ts) t.join();
      for (int i = 0; i < 200; ++i) {
        if (results[i] != i * i) results[i] = -2;
      }
    });
    for (int i = 0; i < 200; ++i) CHECK(results[i] == i * i);
  }
}

TEST_CASE("an exception escaping a thread is rethrown by join, with its type and value") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    int caught = 0;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 20; ++i) {
        ts.push_back(hybrid::spawn([i] {
          hybrid::this_thread::yield();
          if (i % 2 == 0) throw custom_error(i);
        }));
      }
      for (int i = 0; i < 20; ++i) {
        try {
          ts[i].join();
        } catch (const custom_error& e) {
          if (e.code == i) ++caught;
        }
      }
    });
    CHECK(caught == 10);
  }
}

TEST_CASE("request_stop reaches a thread that takes a std::stop_token") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    int iterations = -1;
    bool second_request = true, no_token_request = true;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      auto t = hybrid::spawn([&](std::stop_token st) {
        int n = 0;
        while (!st.stop_requested() && n < 10'000'000) {
          ++n;
          hybrid::this_thread::yield();
        }
        iterations = n;
      });
      for (int i = 0; i < 10; ++i) hybrid::this_thread::yield();
      CHECK(t.get_stop_token().stop_possible());
      CHECK(t.request_stop());
      second_request = t.request_stop();
      t.join();
      auto plain = hybrid::spawn([] {});
      no_token_request = plain.request_stop();
      plain.join();
    });
    CHECK(iterations >= 0);
    CHECK(iterations < 10'000'000);
    CHECK_FALSE(second_request);
    CHECK_FALSE(no_token_request);
  }
}

TEST_CASE("yield lets the other threads of the worker run") {
  std::vector<int> order;
  hybrid::run(hybrid_test::with_workers(1), [&] {
    auto a = hybrid::spawn([&] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(1);
        hybrid::this_thread::yield();
      }
    });
    auto b = hybrid::spawn([&] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(2);
        hybrid::this_thread::yield();
      }
    });
    a.join();
    b.join();
  });
  REQUIRE(order.size() == 6);
  for (std::size_t i = 1; i < order.size(); ++i) CHECK(order[i] != order[i - 1]);
}

TEST_CASE("thread ids are unique and match this_thread::get_id") {
  std::set<std::uint64_t> ids;
  int mismatched = 0;
  hybrid::run(hybrid_test::with_workers(2), [&] {
    std::vector<hybrid::thread> ts;
    std::vector<std::uint64_t> seen(100);
    for (int i = 0; i < 100; ++i) {
      ts.push_back(hybrid::spawn([&seen, i] { seen[i] = hybrid::this_thread::get_id(); }));
    }
    for (int i = 0; i < 100; ++i) {
      std::uint64_t id = ts[i].id();
      ts[i].join();
      if (seen[i] != id) ++mismatched;
      ids.insert(id);
    }
  });
  CHECK(mismatched == 0);
  CHECK(ids.size() == 100);
  CHECK(ids.count(0) == 0);
}

TEST_CASE("handles are movable and a moved-from handle is not joinable") {
  bool moved_from_joinable = true, target_joinable = false;
  int ran = 0;
  hybrid::run(hybrid_test::with_workers(2), [&] {
    hybrid::thread a = hybrid::spawn([&] { ++ran; });
    hybrid::thread b = std::move(a);
    moved_from_joinable = a.joinable();
    target_joinable = b.joinable();
    b.join();
  });
  CHECK_FALSE(moved_from_joinable);
  CHECK(target_joinable);
  CHECK(ran == 1);
}

TEST_CASE("a move-only function object is moved onto the thread's stack") {
  int value = 0;
  hybrid::run(hybrid_test::with_workers(2), [&] {
    auto p = std::make_unique<int>(42);
    hybrid::spawn([p = std::move(p), &value] { value = *p; }).join();
  });
  CHECK(value == 42);
}
