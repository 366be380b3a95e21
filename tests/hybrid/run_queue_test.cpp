// tests/hybrid/run_queue_test.cpp — the local run queue (hybrid/src/run_queue.hpp) on one
// kernel thread: LIFO for the owner, FIFO for thieves, "steal half" really takes half.
#include <doctest/doctest.h>

#include <array>
#include <cstddef>

#include "hybrid/src/run_queue.hpp"

namespace {
using queue = hybrid::detail::run_queue<8>;
using hybrid::detail::thread_control;
}  // namespace

TEST_CASE("run queue: the owner pops the newest, a thief takes the oldest") {
  std::array<thread_control, 3> t;
  queue q;
  auto owner = q.owner_handle();
  for (auto& x : t) REQUIRE(owner.push(&x));
  CHECK(owner.pop() == &t[2]);
  CHECK(q.stealer_handle().steal_one() == &t[0]);
  CHECK(owner.pop() == &t[1]);
  CHECK(owner.pop() == nullptr);
  CHECK(q.stealer_handle().empty());
}

TEST_CASE("run queue: a full queue refuses a push") {
  std::array<thread_control, 9> t;
  queue q;
  auto owner = q.owner_handle();
  for (std::size_t i = 0; i < 8; ++i) REQUIRE(owner.push(&t[i]));
  CHECK_FALSE(owner.push(&t[8]));
  CHECK(owner.size() == 8);
}

// Regression: yield's 4 threads on 2 workers ended 3 + 1 when a steal gave up after one item.
TEST_CASE("run queue: stealing half of 3 queued threads takes 2, oldest first") {
  std::array<thread_control, 3> t;
  queue victim, thief;
  auto owner = victim.owner_handle();
  for (auto& x : t) REQUIRE(owner.push(&x));
  auto mine = thief.owner_handle();
  std::size_t moved = 0;
  thread_control* first = victim.stealer_handle().steal_half_into(mine, &moved);
  CHECK(first == &t[0]);
  CHECK(moved == 2);
  CHECK(mine.size() == 1);
  CHECK(mine.pop() == &t[1]);
  CHECK(owner.size() == 1);
  CHECK(owner.pop() == &t[2]);
}

TEST_CASE("run queue: ends() reports the length a thief judges by") {
  std::array<thread_control, 4> t;
  queue q;
  auto owner = q.owner_handle();
  for (auto& x : t) REQUIRE(owner.push(&x));
  (void)q.stealer_handle().steal_one();
  std::int64_t top = 0, bottom = 0;
  q.stealer_handle().ends(&top, &bottom);
  CHECK(top == 1);
  CHECK(bottom == 4);
}
