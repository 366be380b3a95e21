// tests/coroutines/stress_test.cpp — many threads at once: nothing lost, nothing run twice.
#include <doctest/doctest.h>

#include <coroutines/channel.hpp>
#include <coroutines/runtime.hpp>
#include <coroutines/thread.hpp>

#include <atomic>
#include <vector>

#include "support.hpp"

namespace {
using coroutines::task;

// tree(n) — a binary tree of spawns with n leaves; each leaf is worth 1.
task<long> tree(long n) {
  if (n == 1) co_return 1;
  auto left = coroutines::spawn(tree(n / 2));
  const long right = co_await tree(n - n / 2);
  co_return right + co_await left;
}
}  // namespace

TEST_CASE("coroutines: 100,000 spawned threads each run exactly once") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    constexpr int count = 100'000;
    std::vector<std::atomic<int>> runs(count);
    long joined = 0;
    const auto s = coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      std::vector<coroutines::join_handle<int>> handles;
      handles.reserve(count);
      for (int i = 0; i < count; ++i) {
        handles.push_back(coroutines::spawn([&runs, i]() -> task<int> {
          runs[i].fetch_add(1, std::memory_order_relaxed);
          if (i % 7 == 0) co_await coroutines::yield();
          co_return 1;
        }));
      }
      for (auto& h : handles) joined += co_await h;
    });
    CHECK(joined == count);
    int wrong = 0;
    for (auto& r : runs) wrong += r.load() != 1 ? 1 : 0;
    CHECK(wrong == 0);
    CHECK(s.threads_spawned == count + 1);
  }
}

TEST_CASE("coroutines: a tree of 100,000 spawns adds up") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    long leaves = 0;
    coroutines::run(coroutines_test::with_workers(workers),
                    [&]() -> task<void> { leaves = co_await tree(100'000); });
    CHECK(leaves == 100'000);
  }
}
