// tests/kernel_threads/stats_test.cpp — what the 1:1 module counts: the threads of a run
// (kernel_threads::stats), the tasks, parks and unparks of a thread_pool (pool_stats), and the
// kernel and kernel_pool adapters reporting them as the harness's sched_* counters.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "bench/models/kernel.hpp"
#include "bench/models/kernel_pool.hpp"
#include "bench/scheduler_counters.hpp"
#include "kernel_threads/runtime.hpp"
#include "kernel_threads/thread_pool.hpp"

namespace {

// wait_for_parks(pool, above) — until the pool has counted more than `above` parks (a worker
// counts a park under the pool's lock just before it waits, so once stats() shows it the
// worker is waiting); false after 10 s.
bool wait_for_parks(const kernel_threads::thread_pool& pool, std::uint64_t above) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.stats().worker_parks <= above) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("run counts the body's thread and every thread spawned in it") {
  kernel_threads::stats counted{.threads_spawned = 99};
  kernel_threads::run(kernel_threads::options{.counts = &counted}, [] {
    std::vector<kernel_threads::thread> threads;
    for (int i = 0; i < 5; ++i) threads.push_back(kernel_threads::spawn([] {}));
    // A thread that spawns one more: threads spawned by spawned threads count too.
    threads.push_back(kernel_threads::spawn([] { kernel_threads::spawn([] {}).join(); }));
    for (auto& t : threads) t.join();
  });
  CHECK(counted.threads_spawned == 1 + 5 + 1 + 1);
  // A nested run counts its own threads only.
  kernel_threads::stats outer{};
  kernel_threads::stats inner{};
  kernel_threads::run(kernel_threads::options{.counts = &outer}, [&] {
    kernel_threads::run(kernel_threads::options{.counts = &inner},
                        [] { kernel_threads::spawn([] {}).join(); });
  });
  CHECK(inner.threads_spawned == 2);
  CHECK(outer.threads_spawned == 1);
}

TEST_CASE("thread_pool counts every submitted task exactly") {
  kernel_threads::thread_pool pool(2);
  std::vector<std::thread> submitters;
  for (int s = 0; s < 4; ++s) {
    submitters.emplace_back([&pool] {
      for (int i = 0; i < 250; ++i) pool.submit([] {});
    });
  }
  for (auto& t : submitters) t.join();
  pool.shutdown(kernel_threads::shutdown_mode::drain);
  const kernel_threads::pool_stats s = pool.stats();
  CHECK(s.tasks_submitted == 1000);
  CHECK(s.worker_unparks <= s.worker_parks);
}

TEST_CASE("thread_pool counts one park and one unpark per task given to an idle worker") {
  constexpr std::uint64_t rounds = 20;
  kernel_threads::thread_pool pool(1);
  std::uint64_t parks = 0;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    // The worker parks again after each task: wait until it has, then hand it the next one.
    REQUIRE(wait_for_parks(pool, parks));
    parks = pool.stats().worker_parks;
    pool.submit([] {}).get();
  }
  pool.shutdown(kernel_threads::shutdown_mode::drain);
  const kernel_threads::pool_stats s = pool.stats();
  CHECK(s.tasks_submitted == rounds);
  CHECK(s.worker_unparks == rounds);  // every submit found the worker parked
  CHECK(s.worker_parks >= rounds);
  CHECK(s.worker_unparks <= s.worker_parks);
}

TEST_CASE("thread_pool counts no unpark when no worker is parked") {
  kernel_threads::thread_pool pool(1);
  // Hold the only worker in a task until everything else is queued.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  REQUIRE(wait_for_parks(pool, 0));
  auto holder = pool.submit([released] { released.wait(); });
  // The holder's submit unparked the worker; wait until it has left its wait.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.stats().worker_unparks != 1 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  std::vector<std::future<void>> queued;
  // Whether the worker is still between its wake-up and the holder or already in it, it has
  // been signalled once: these submits find no parked worker left to signal.
  for (int i = 0; i < 10; ++i) queued.push_back(pool.submit([] {}));
  release.set_value();
  holder.get();
  for (auto& f : queued) f.get();
  pool.shutdown(kernel_threads::shutdown_mode::drain);
  const kernel_threads::pool_stats s = pool.stats();
  CHECK(s.tasks_submitted == 11);
  CHECK(s.worker_unparks == 1);
}

TEST_CASE("kernel adapter reports threads_spawned with the body included") {
  using threadlab::models::kernel;
  threadlab::scheduler_counters counted;
  threadlab::run_options opts;
  opts.counters = &counted;
  kernel::run(opts, [] {
    std::vector<kernel::thread> threads;
    for (int i = 0; i < 10; ++i) threads.push_back(kernel::spawn([] {}));
    for (auto& t : threads) t.join();
  });
  CHECK(counted.find("threads_spawned") == 11u);
  CHECK(counted.values().size() == 1);
}

TEST_CASE("kernel_pool adapter reports the pool's tasks and parks") {
  using threadlab::models::kernel_pool;
  threadlab::scheduler_counters counted;
  threadlab::run_options opts;
  opts.workers = 2;
  opts.counters = &counted;
  kernel_pool::run(opts, [] {
    std::vector<kernel_pool::thread> threads;
    for (int i = 0; i < 100; ++i) threads.push_back(kernel_pool::spawn([] {}));
    for (auto& t : threads) t.join();
  });
  CHECK(counted.find("tasks_submitted") == 100u);
  const auto parks = counted.find("worker_parks");
  const auto unparks = counted.find("worker_unparks");
  REQUIRE(parks.has_value());
  REQUIRE(unparks.has_value());
  CHECK(*unparks <= *parks);
  CHECK(counted.find("empty_wakeups").has_value());
  CHECK_FALSE(counted.find("threads_spawned").has_value());
}
