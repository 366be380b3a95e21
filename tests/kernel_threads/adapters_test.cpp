// tests/kernel_threads/adapters_test.cpp — the bench adapters over this module: kernel and
// kernel_pool. The conformance suite (tests/conformance) checks the full contract for every
// model; these pin what is specific to the two 1:1 adapters.
#include <doctest/doctest.h>
#include <pthread.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "bench/models/kernel.hpp"
#include "bench/models/kernel_pool.hpp"

using threadlab::capability;
using threadlab::run_options;
using threadlab::models::kernel;
using threadlab::models::kernel_pool;

TEST_CASE("kernel: spawned threads use run's stack size and join rethrows") {
  // Above glibc's default, so that a cached smaller stack cannot satisfy it (see thread_test).
  const std::size_t requested = kernel_threads::default_stack_size() + (4u << 20);
  std::size_t seen = 0;
  kernel::run(run_options{.workers = 0, .stack_size = requested}, [&] {
    auto t = kernel::spawn([&] {
      pthread_attr_t attr;
      pthread_getattr_np(pthread_self(), &attr);
      pthread_attr_getstacksize(&attr, &seen);
      pthread_attr_destroy(&attr);
    });
    t.join();
    auto failing = kernel::spawn([] { throw std::runtime_error("spawned failure"); });
    CHECK_THROWS_WITH_AS(failing.join(), "spawned failure", std::runtime_error);
  });
  CHECK(seen >= requested);
}

TEST_CASE("kernel: run rethrows what escaped body") {
  CHECK_THROWS_AS(kernel::run(run_options{}, [] { throw std::out_of_range("x"); }),
                  std::out_of_range);
}

TEST_CASE("kernel: capabilities are those of the 1:1 model") {
  CHECK(threadlab::has(kernel::capabilities, capability::waits_on_threads));
  CHECK(threadlab::has(kernel::capabilities, capability::multicore));
  CHECK_FALSE(threadlab::has(kernel::capabilities, capability::many_threads));
  CHECK(kernel::configuration(run_options{}).find("one kernel thread per thread") !=
        std::string::npos);
}

TEST_CASE("kernel_pool: spawned tasks run on the pool and join rethrows") {
  std::atomic<int> sum{0};
  kernel_pool::run(run_options{.workers = 2, .stack_size = 0}, [&] {
    std::vector<kernel_pool::thread> threads;
    for (int i = 1; i <= 100; ++i) threads.push_back(kernel_pool::spawn([&sum, i] { sum += i; }));
    for (auto& t : threads) t.join();
    auto failing = kernel_pool::spawn([] { throw std::runtime_error("task failure"); });
    CHECK_THROWS_WITH_AS(failing.join(), "task failure", std::runtime_error);
  });
  CHECK(sum.load() == 5050);
}

TEST_CASE("kernel_pool: lacks waits_on_threads and reports its worker count") {
  CHECK_FALSE(threadlab::has(kernel_pool::capabilities, capability::waits_on_threads));
  CHECK(threadlab::has(kernel_pool::capabilities, capability::blocking_syscalls));
  CHECK(
      kernel_pool::configuration(run_options{.workers = 3, .stack_size = 0}).rfind("3 kernel", 0) ==
      0);
}
