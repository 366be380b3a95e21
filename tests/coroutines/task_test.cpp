// tests/coroutines/task_test.cpp — task<T>: laziness, results, exceptions, and chains of
// co_await that must not grow the stack (symmetric transfer).
#include <doctest/doctest.h>

#include <coroutines/runtime.hpp>
#include <coroutines/task.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "support.hpp"

namespace {

using coroutines::task;

task<int> answer() { co_return 42; }

task<std::string> greet(std::string name) { co_return "hello " + name; }

task<void> fail() {
  throw std::runtime_error("task failed");
  co_return;
}

task<int> add_one_to_failure() {
  co_await fail();
  co_return 1;
}

// depth(n) — n nested tasks, each awaiting the next: every frame is alive at once, and each
// completion resumes its awaiter. Without symmetric transfer each of those resumptions is a
// nested call, and a million of them overflow any kernel thread's stack.
task<long> depth(long n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await depth(n - 1);
}

// ready_task() — completes at once when awaited: a million of them awaited in a loop resume the
// loop a million times, which without symmetric transfer nests as deep.
task<int> one() { co_return 1; }

}  // namespace

TEST_CASE("coroutines: task is lazy, move-only, and returns its value to the awaiter") {
  static_assert(!std::is_copy_constructible_v<task<int>>);
  static_assert(std::is_nothrow_move_constructible_v<task<int>>);
  bool started = false;
  int value = 0;
  std::string text;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    auto lazy = [&]() -> task<void> {
      started = true;
      co_return;
    };
    task<void> t = lazy();
    CHECK_FALSE(started);  // created, not started
    task<void> moved = std::move(t);
    CHECK_FALSE(t.valid());
    co_await std::move(moved);
    CHECK(started);
    value = co_await answer();
    text = co_await greet("coroutines");
  });
  CHECK(value == 42);
  CHECK(text == "hello coroutines");
}

TEST_CASE("coroutines: an exception escaping a task reaches its awaiter, through a chain") {
  std::string caught;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    try {
      co_await add_one_to_failure();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  });
  CHECK(caught == "task failed");
}

TEST_CASE("coroutines: a task never awaited is destroyed without running") {
  auto alive = std::make_shared<int>(0);
  bool ran = false;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    auto make = [](std::shared_ptr<int> keep, bool& flag) -> task<void> {
      flag = true;
      (void)keep;
      co_return;
    };
    { task<void> dropped = make(alive, ran); }
    co_return;
  });
  CHECK_FALSE(ran);
  CHECK(alive.use_count() == 1);  // the frame's copy was destroyed
}

TEST_CASE("coroutines: a million nested co_awaits run in constant stack") {
  long result = 0;
  coroutines::run(coroutines_test::with_workers(1),
                  [&]() -> task<void> { result = co_await depth(1'000'000); });
  CHECK(result == 1'000'000);
}

TEST_CASE("coroutines: a million consecutive co_awaits of finished tasks run in constant stack") {
  long sum = 0;
  coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    for (int i = 0; i < 1'000'000; ++i) sum += co_await one();
  });
  CHECK(sum == 1'000'000);
}

TEST_CASE("coroutines: run rethrows what escaped the body, after the other threads ended") {
  bool other_finished = false;
  CHECK_THROWS_WITH_AS(coroutines::run(coroutines_test::with_workers(2),
                                       [&]() -> task<void> {
                                         coroutines::spawn([&]() -> task<void> {
                                           co_await coroutines::yield();
                                           other_finished = true;
                                         });
                                         throw std::logic_error("body failed");
                                         co_return;
                                       }),
                       "body failed", std::logic_error);
  CHECK(other_finished);
}
