// tests/green_threads/blocking_test.cpp — blocking(fn) on the helper pool: fn runs on a kernel
// thread other than the world's, the pool never runs more calls at once than
// options::blocking_threads, and calls beyond that wait their turn instead of failing.
#include <doctest/doctest.h>

#include <time.h>

#include <atomic>
#include <thread>
#include <vector>

#include <green_threads/blocking.hpp>
#include <green_threads/runtime.hpp>
#include <green_threads/thread.hpp>

namespace gt = green_threads;

TEST_CASE("blocking runs fn on a helper kernel thread, not the world's") {
  std::thread::id world, helper;
  gt::run({}, [&] {
    world = std::this_thread::get_id();
    helper = gt::blocking([] { return std::this_thread::get_id(); });
  });
  CHECK(world != std::thread::id{});
  CHECK(helper != std::thread::id{});
  CHECK(helper != world);
}

TEST_CASE("at most blocking_threads calls run at once; the rest wait and still run") {
  constexpr int callers = 6;
  gt::options o;
  o.blocking_threads = 2;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};
  gt::run(o, [&] {
    std::vector<gt::thread> fibers;
    for (int i = 0; i < callers; ++i) {
      fibers.push_back(gt::spawn([&] {
        gt::blocking([&] {
          const int now = running.fetch_add(1) + 1;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          timespec ts{0, 20'000'000};  // 20 ms in the kernel
          ::nanosleep(&ts, nullptr);
          running.fetch_sub(1);
        });
        done.fetch_add(1);
      }));
    }
    for (auto& f : fibers) f.join();
  });
  CHECK(done.load() == callers);
  CHECK(most.load() >= 1);
  CHECK(most.load() <= 2);
}
