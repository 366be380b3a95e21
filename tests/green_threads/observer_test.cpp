// tests/green_threads/observer_test.cpp — the green_threads observer hook and its two bridges
// (`green`, `boost_fiber_ws`): a traced pingpong gives every fiber a well-formed life
// (tests/bench/states_wellformed.hpp), and tracing off changes nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/models/boost_fiber_ws.hpp"
#include "bench/models/green.hpp"
#include "bench/trace/tracer.hpp"
#include "tests/bench/states_wellformed.hpp"
#include "tests/bench/traced_pingpong.hpp"

namespace {

using threadlab::thread_state;
using threadlab::testing::count_state;
using threadlab::testing::pingpong;

template <class M>
void check_traced_pingpong(unsigned workers) {
  constexpr std::uint64_t rounds = 200;
  threadlab::tracer t(100'000);
  threadlab::run_options opts;
  opts.workers = workers;
  opts.trace = &t;
  CHECK(pingpong<M>(opts, rounds) == rounds * (rounds + 1) / 2);
  REQUIRE(t.dropped() == 0);
  const auto problems = threadlab::testing::malformed_threads(t.events(), t.recorded());
  CHECK_MESSAGE(problems.empty(), (problems.empty() ? std::string() : problems.front()));
  // The body and pong, at least (ws may add no others: main and dispatcher are not reported).
  CHECK(threadlab::testing::thread_count(t.events(), t.recorded()) >= 2);
  CHECK(count_state(t, thread_state::terminated) ==
        threadlab::testing::thread_count(t.events(), t.recorded()));
  // Every round trip blocks ping on its pop and pong on its next pop.
  CHECK(count_state(t, thread_state::blocked) >= rounds);
  CHECK(count_state(t, thread_state::running) >= 2 * rounds);
  CHECK(!t.provenance().empty());
  CHECK(t.names().size() == threadlab::testing::thread_count(t.events(), t.recorded()));
}

TEST_CASE("observer: green pingpong gives every fiber a well-formed life") {
  check_traced_pingpong<threadlab::models::green>(1);
}

TEST_CASE("observer: boost_fiber_ws pingpong gives every fiber a well-formed life at 2 workers") {
  check_traced_pingpong<threadlab::models::boost_fiber_ws>(2);
}

TEST_CASE("observer: events of boost_fiber_ws carry worker indices and green's carry -1") {
  threadlab::tracer green_log(100'000);
  threadlab::tracer ws_log(100'000);
  threadlab::run_options opts;
  opts.workers = 2;
  opts.trace = &green_log;
  pingpong<threadlab::models::green>(opts, 20);
  opts.trace = &ws_log;
  pingpong<threadlab::models::boost_fiber_ws>(opts, 20);
  REQUIRE(green_log.recorded() > 0);
  REQUIRE(ws_log.recorded() > 0);
  for (std::size_t i = 0; i < green_log.recorded(); ++i) CHECK(green_log.events()[i].worker == -1);
  for (std::size_t i = 0; i < ws_log.recorded(); ++i) {
    CHECK(ws_log.events()[i].worker >= 0);
    CHECK(ws_log.events()[i].worker < 2);
  }
}

TEST_CASE("observer: tracing off records nothing and computes the same result") {
  threadlab::tracer unused(1'000);
  threadlab::run_options off;  // trace == nullptr
  CHECK(pingpong<threadlab::models::green>(off, 100) == 5050);
  off.workers = 2;
  CHECK(pingpong<threadlab::models::boost_fiber_ws>(off, 100) == 5050);
  CHECK(unused.recorded() == 0);
}

// recorder — a module-level observer: the hook works without the bench bridge.
struct recorder final : green_threads::observer {
  std::vector<green_threads::transition> seen;  // one kernel thread: no lock needed
  void on_transition(const green_threads::transition& t) noexcept override {
    try {
      seen.push_back(t);
    } catch (...) {
    }
  }
};

TEST_CASE("observer: a yielding fiber goes running -> ready -> running, never blocked") {
  recorder r;
  green_threads::options o;
  o.observer = &r;
  green_threads::run(o, [] {
    green_threads::thread t = green_threads::spawn([] {
      for (int i = 0; i < 3; ++i) green_threads::this_thread::yield();
    });
    for (int i = 0; i < 3; ++i) green_threads::this_thread::yield();
    t.join();
  });
  REQUIRE(!r.seen.empty());
  std::uint64_t child = 0;
  for (const auto& t : r.seen) child = std::max(child, t.thread_id);
  REQUIRE(child >= 2);
  std::vector<green_threads::thread_state> states;
  for (const auto& t : r.seen) {
    if (t.thread_id == child) states.push_back(t.state);
  }
  REQUIRE(states.size() >= 2);
  CHECK(states.front() == green_threads::thread_state::created);
  CHECK(states.back() == green_threads::thread_state::terminated);
  for (auto s : states) CHECK(s != green_threads::thread_state::blocked);
  CHECK(std::count(states.begin(), states.end(), green_threads::thread_state::ready) >= 3);
}

}  // namespace
