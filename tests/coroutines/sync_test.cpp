// tests/coroutines/sync_test.cpp — mutex mutual exclusion under contention, condition variable
// notification and predicates, and stop requests that end a condition wait.
#include <doctest/doctest.h>

#include <coroutines/runtime.hpp>
#include <coroutines/sync.hpp>
#include <coroutines/thread.hpp>

#include <atomic>
#include <vector>

#include "support.hpp"

namespace {
using coroutines::task;

// locked_when(m, cv, pred) — lock m, wait on cv until pred holds, and return the lock.
template <class Predicate>
task<coroutines::unique_lock> locked_when(coroutines::mutex& m, coroutines::condition_variable& cv,
                                          Predicate pred) {
  coroutines::unique_lock lock = co_await m.scoped_lock();
  co_await cv.wait(lock, pred);
  co_return lock;
}

// guarded — a value, a count of what was done, and the mutex and condition variable that guard
// them.
struct guarded {
  coroutines::mutex m;
  coroutines::condition_variable cv;
  int value = 0;
  int done = 0;
  // change(fn) — run fn() with m held.
  template <class F>
  task<void> change(F fn) {
    const coroutines::unique_lock lock = co_await m.scoped_lock();
    fn();
  }
};
}  // namespace

TEST_CASE("coroutines: mutex excludes, under contention on every worker count") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    coroutines::mutex m;
    long counter = 0;  // plain: only the mutex protects it
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      std::vector<coroutines::join_handle<void>> handles;
      for (int t = 0; t < 8; ++t) {
        handles.push_back(coroutines::spawn([&]() -> task<void> {
          for (int i = 0; i < 2000; ++i) {
            co_await m.lock();
            if (inside.fetch_add(1) != 0) overlapped = true;
            const long seen = counter;
            if (i % 16 == 0) co_await coroutines::yield();  // hold it across a suspension
            counter = seen + 1;
            inside.fetch_sub(1);
            m.unlock();
          }
        }));
      }
      co_await coroutines_test::join_all(handles);
    });
    CHECK(counter == 8 * 2000);
    CHECK_FALSE(overlapped.load());
  }
}

TEST_CASE("coroutines: scoped_lock's unique_lock unlocks at scope end, and try_lock sees it") {
  coroutines::mutex m;
  bool locked_inside = true;
  bool free_after = false;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    {
      coroutines::unique_lock lock = co_await m.scoped_lock();
      CHECK(lock.owns_lock());
      locked_inside = !m.try_lock();
      lock.unlock();
      CHECK_FALSE(lock.owns_lock());
      co_await lock.lock();
      CHECK(lock.owns_lock());
    }
    free_after = m.try_lock();
    if (free_after) m.unlock();
  });
  CHECK(locked_inside);
  CHECK(free_after);
}

TEST_CASE("coroutines: condition_variable wakes waiters whose predicate holds") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    guarded stage;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto handles = coroutines_test::spawn_n(10, [&]() -> task<void> {
        const auto lock = co_await locked_when(stage.m, stage.cv, [&] { return stage.value == 1; });
        ++stage.done;
      });
      for (int i = 0; i < 5; ++i) co_await coroutines::yield();
      co_await stage.change([&] { stage.value = 1; });
      stage.cv.notify_all();
      co_await coroutines_test::join_all(handles);
    });
    CHECK(stage.done == 10);
  }
}

TEST_CASE("coroutines: notify_one hands items to waiting consumers one at a time") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    guarded items;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto consumers = coroutines_test::spawn_n(4, [&]() -> task<void> {
        for (int k = 0; k < 250; ++k) {
          const auto lock =
              co_await locked_when(items.m, items.cv, [&] { return items.value > 0; });
          --items.value;
          ++items.done;
        }
      });
      for (int i = 0; i < 1000; ++i) {
        co_await items.change([&] { ++items.value; });
        items.cv.notify_one();
        if (i % 10 == 0) co_await coroutines::yield();
      }
      co_await coroutines_test::join_all(consumers);
    });
    CHECK(items.done == 1000);
    CHECK(items.value == 0);
  }
}

TEST_CASE("coroutines: a stop request ends a condition wait, with the mutex re-acquired") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    coroutines::mutex m;
    coroutines::condition_variable cv;
    bool result = true;
    bool owned_after = false;
    bool immediate = true;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto waiter = coroutines::spawn([&](std::stop_token token) -> task<void> {
        coroutines::unique_lock lock = co_await m.scoped_lock();
        result = co_await cv.wait(lock, token, [] { return false; });
        owned_after = lock.owns_lock() && !m.try_lock();
        // Stop already requested: returns at once, pred() false.
        immediate = co_await cv.wait(lock, token, [] { return false; });
      });
      for (int i = 0; i < 3; ++i) co_await coroutines::yield();
      waiter.request_stop();
      co_await waiter;
    });
    CHECK_FALSE(result);
    CHECK(owned_after);
    CHECK_FALSE(immediate);
  }
}
