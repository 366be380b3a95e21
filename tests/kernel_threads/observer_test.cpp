// tests/kernel_threads/observer_test.cpp — the kernel_threads observer hook and its bridges
// (`kernel`, `kernel_pool`): traced runs give every thread a well-formed life
// (tests/bench/states_wellformed.hpp) and kernel totals; tracing off changes nothing.
#include <doctest/doctest.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "bench/models/kernel.hpp"
#include "bench/models/kernel_pool.hpp"
#include "bench/trace/tracer.hpp"
#include "tests/bench/states_wellformed.hpp"
#include "tests/bench/traced_pingpong.hpp"

namespace {

using threadlab::thread_state;

using threadlab::testing::count_state;

// kernel_pingpong(opts, rounds) — tests/bench/traced_pingpong.hpp's pingpong on `kernel`.
std::uint64_t kernel_pingpong(const threadlab::run_options& opts, std::uint64_t rounds) {
  return threadlab::testing::pingpong<threadlab::models::kernel>(opts, rounds);
}

TEST_CASE("observer: kernel pingpong gives every thread a well-formed life and kernel totals") {
  constexpr std::uint64_t rounds = 100;
  threadlab::tracer t(100'000);
  threadlab::run_options opts;
  opts.trace = &t;
  CHECK(kernel_pingpong(opts, rounds) == rounds * (rounds + 1) / 2);
  const auto problems = threadlab::testing::malformed_threads(t.events(), t.recorded());
  CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string() : problems.front()));
  // kernel-main and pong.
  CHECK(threadlab::testing::thread_count(t.events(), t.recorded()) == 2);
  CHECK(count_state(t, thread_state::blocked) >= 1);
  CHECK(count_state(t, thread_state::ready) == 0);  // user space never sees ready
  REQUIRE(t.totals_count() == 2);
  for (std::size_t i = 0; i < t.totals_count(); ++i) CHECK(t.totals()[i].timeslices >= 1);
  CHECK(t.provenance().find("inferred") != std::string::npos);
}

TEST_CASE("observer: a contended kernel mutex reports blocked, an uncontended one does not") {
  threadlab::tracer t(10'000);
  threadlab::run_options opts;
  opts.trace = &t;
  using M = threadlab::models::kernel;
  M::run(opts, [] {
    M::mutex mu;
    { std::lock_guard lock(mu); }  // uncontended: try_lock succeeds, nothing reported
    std::unique_lock held(mu);
    M::thread waiter = M::spawn([&mu] { std::lock_guard lock(mu); });
    M::sleep_for(std::chrono::milliseconds(20));  // let the waiter block on mu
    held.unlock();
    waiter.join();
  });
  // kernel-main blocks only in join (not a kernel_threads primitive): the one blocked event is
  // the waiter's mutex wait.
  CHECK(count_state(t, thread_state::blocked) == 1);
  CHECK(threadlab::testing::malformed_threads(t.events(), t.recorded()).empty());
}

TEST_CASE("observer: kernel_pool traces each task as a thread: new, running, terminated") {
  threadlab::tracer t(10'000);
  threadlab::run_options opts;
  opts.workers = 2;
  opts.trace = &t;
  using M = threadlab::models::kernel_pool;
  int done = 0;
  M::run(opts, [&done] {
    std::vector<M::thread> tasks;
    for (int i = 0; i < 10; ++i) tasks.push_back(M::spawn([] {}));
    for (auto& task : tasks) task.join();
    done = 10;
  });
  CHECK(done == 10);
  CHECK(threadlab::testing::thread_count(t.events(), t.recorded()) == 10);
  CHECK(count_state(t, thread_state::created) == 10);
  CHECK(count_state(t, thread_state::running) == 10);
  CHECK(count_state(t, thread_state::terminated) == 10);
  CHECK(threadlab::testing::malformed_threads(t.events(), t.recorded()).empty());
  CHECK(t.totals_count() == 0);
}

TEST_CASE("observer: kernel tracing off records nothing and computes the same result") {
  threadlab::tracer unused(1'000);
  const threadlab::run_options off;  // trace == nullptr
  CHECK(kernel_pingpong(off, 50) == 1275);
  CHECK(unused.recorded() == 0);
  CHECK(unused.totals_count() == 0);
}

}  // namespace
