// tests/green_threads/runtime_test.cpp — run(): repeatable, waits for unjoined-by-body fibers,
// rethrows body's exception, honours the stack options; and the `green` adapter.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <utility>

#include <green_threads/runtime.hpp>
#include <green_threads/thread.hpp>

#include "bench/models/green.hpp"

namespace gt = green_threads;

TEST_CASE("run can be called many times, from several kernel threads") {
  int total = 0;
  for (int r = 0; r < 20; ++r) {
    gt::run({}, [&] {
      gt::thread t = gt::spawn([&] { ++total; });
      t.join();
    });
  }
  CHECK(total == 20);
  std::atomic<int> from_other = 0;
  std::thread other([&] {
    for (int r = 0; r < 5; ++r) gt::run({}, [&] { ++from_other; });
  });
  other.join();
  CHECK(from_other == 5);
}

TEST_CASE("run rethrows the exception that escaped body") {
  CHECK_THROWS_WITH_AS(gt::run({}, [] { throw std::logic_error("body failed"); }), "body failed",
                       std::logic_error);
  // The process is still usable afterwards.
  bool ran = false;
  gt::run({}, [&] { ran = true; });
  CHECK(ran);
}

TEST_CASE("a handle moved to another fiber is joined there, inside the world") {
  bool grandchild_done = false;
  gt::run({}, [&] {
    gt::thread keeper;
    gt::thread child = gt::spawn([&] {
      gt::thread grandchild = gt::spawn([&] {
        for (int i = 0; i < 5; ++i) gt::this_thread::yield();
        grandchild_done = true;
      });
      // The child ends without joining; the keeper joins the grandchild later.
      keeper = gt::spawn([g = std::move(grandchild)]() mutable { g.join(); });
    });
    child.join();
    keeper.join();
    CHECK(grandchild_done);
  });
  CHECK(grandchild_done);
}

TEST_CASE("stack options: every stack kind and a custom size run fibers") {
  for (auto kind : {gt::stack_kind::pooled, gt::stack_kind::fixed, gt::stack_kind::guarded}) {
    gt::options o;
    o.stack = kind;
    o.stack_size = 64 * 1024;
    int sum = 0;
    gt::run(o, [&] {
      std::vector<gt::thread> ts;
      for (int i = 1; i <= 10; ++i) ts.push_back(gt::spawn([&sum, i] { sum += i; }));
      for (auto& t : ts) t.join();
    });
    CHECK(sum == 55);
    CHECK(gt::describe(o).find(gt::to_string(kind) + " 64 KiB") != std::string::npos);
  }
  // Rounded up to whole pages, and at least two: a guard page and a page of frames.
  CHECK(gt::stack_allocator(gt::stack_kind::pooled, 1000).size() == gt::min_stack_size());
  CHECK(gt::stack_allocator(gt::stack_kind::pooled, 3 * 4096 + 1).size() == 4 * 4096);
  CHECK(gt::stack_allocator().size() == gt::default_stack_size);
}

TEST_CASE("green adapter: satisfies the contract, reports its setup, runs repeatedly") {
  using threadlab::models::green;
  CHECK(green::name == "green");
  CHECK_FALSE(threadlab::has(green::capabilities, threadlab::capability::multicore));
  CHECK_FALSE(threadlab::has(green::capabilities, threadlab::capability::blocking_syscalls));
  CHECK(threadlab::has(green::capabilities, threadlab::capability::many_threads));
  threadlab::run_options opts;
  opts.stack_size = 16 * 1024;
  CHECK(green::configuration(opts) ==
        "round_robin, 1 kernel thread, pooled 16 KiB stacks with guard pages, launch dispatch, "
        "blocking(fn) on up "
        "to 64 "
        "helper threads");
  long sum = 0;
  for (int r = 0; r < 3; ++r) {
    green::run(opts, [&] {
      green::channel<int> ch(8);
      green::thread producer = green::spawn([&] {
        for (int i = 1; i <= 100; ++i) ch.push(i);
        ch.close();
      });
      while (auto v = ch.pop()) sum += *v;
      producer.join();
    });
  }
  CHECK(sum == 3 * 5050);
  CHECK_THROWS_AS(green::run(opts,
                             [] {
                               green::thread t = green::spawn([] { throw std::out_of_range("x"); });
                               t.join();
                             }),
                  std::out_of_range);
}
