// tests/hybrid/sync_test.cpp — mutex and condition_variable across workers.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

TEST_CASE("mutex: a plain counter incremented under the lock is exact") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    long counter = 0;
    int inside = 0, overlaps = 0;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::mutex m;
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 16; ++i) {
        ts.push_back(hybrid::spawn([&] {
          for (int k = 0; k < 2000; ++k) {
            std::lock_guard<hybrid::mutex> g(m);
            if (++inside != 1) ++overlaps;
            ++counter;
            if (k % 64 == 0) hybrid::this_thread::yield();  // park while holding it
            --inside;
          }
        }));
      }
      for (auto& t : ts) t.join();
    });
    CHECK(counter == 16 * 2000);
    CHECK(overlaps == 0);
  }
}

TEST_CASE("mutex: try_lock fails while held and succeeds once released") {
  bool while_held = true, after = false;
  hybrid::run(hybrid_test::with_workers(2), [&] {
    hybrid::mutex m;
    m.lock();
    hybrid::spawn([&] { while_held = m.try_lock(); }).join();
    m.unlock();
    hybrid::spawn([&] {
      after = m.try_lock();
      if (after) m.unlock();
    }).join();
  });
  CHECK_FALSE(while_held);
  CHECK(after);
}

TEST_CASE("condition_variable: producer and consumers hand over every item") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    long consumed_sum = 0;
    int consumed = 0;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::mutex m;
      hybrid::condition_variable cv;
      std::vector<int> items;
      bool done = false;
      std::vector<hybrid::thread> consumers;
      for (int c = 0; c < 4; ++c) {
        consumers.push_back(hybrid::spawn([&] {
          std::unique_lock<hybrid::mutex> lk(m);
          for (;;) {
            cv.wait(lk, [&] { return !items.empty() || done; });
            if (items.empty()) return;
            consumed_sum += items.back();
            ++consumed;
            items.pop_back();
          }
        }));
      }
      for (int i = 1; i <= 3000; ++i) {
        {
          std::lock_guard<hybrid::mutex> g(m);
          items.push_back(i);
        }
        cv.notify_one();
        if (i % 100 == 0) hybrid::this_thread::yield();
      }
      {
        std::lock_guard<hybrid::mutex> g(m);
        done = true;
      }
      cv.notify_all();
      for (auto& t : consumers) t.join();
    });
    CHECK(consumed == 3000);
    CHECK(consumed_sum == 3000L * 3001 / 2);
  }
}

TEST_CASE("condition_variable: notify_all wakes every waiter") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    int woken = 0;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::mutex m;
      hybrid::condition_variable cv;
      int waiting = 0;
      bool go = false;
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 10; ++i) {
        ts.push_back(hybrid::spawn([&] {
          std::unique_lock<hybrid::mutex> lk(m);
          ++waiting;
          cv.wait(lk, [&] { return go; });
          ++woken;
        }));
      }
      // Wait until all ten are waiting, then release them together.
      for (;;) {
        std::unique_lock<hybrid::mutex> lk(m);
        if (waiting == 10) {
          go = true;
          break;
        }
        lk.unlock();
        hybrid::this_thread::yield();
      }
      cv.notify_all();
      for (auto& t : ts) t.join();
    });
    CHECK(woken == 10);
  }
}
