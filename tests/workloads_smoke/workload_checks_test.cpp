// tests/workloads_smoke/workload_checks_test.cpp — each workload's own check can fail, and a
// failing workload still joins every thread it spawned.
//
// The broken models here are models::green (one kernel thread, cooperative, deterministic)
// with one part replaced: a spawn that runs the thread twice or not at all, a channel that
// corrupts one item, a spawn that fails like EAGAIN. A workload must report each as an error
// (wrong_result, or the model's own exception), never as a number, and never hang.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench/model.hpp"
#include "bench/models/green.hpp"
#include "bench/workload.hpp"
#include "bench/workloads/all.hpp"
#include "bench/workloads/support.hpp"

namespace {

using namespace threadlab;

// spawn_twice — every thread runs its function twice in a row.
struct spawn_twice : models::green {
  static constexpr std::string_view name = "spawn_twice";
  template <class F>
  static thread spawn(F&& fn) {
    return models::green::spawn([f = std::decay_t<F>(std::forward<F>(fn))]() mutable {
      f();
      f();
    });
  }
};

// drop_every_7th — every 7th spawned thread never runs its function (it exits at once).
struct drop_every_7th : models::green {
  static constexpr std::string_view name = "drop_every_7th";
  static inline std::uint64_t spawned = 0;  // green runs on one kernel thread: no race
  template <class F>
  static thread spawn(F&& fn) {
    if (++spawned % 7 == 0) return models::green::spawn([] {});
    return models::green::spawn(std::forward<F>(fn));
  }
};

// corrupting_channel<T> — a green channel whose 50th pop returns the item plus one.
template <class T>
class corrupting_channel : public models::green::channel<T> {
 public:
  using models::green::channel<T>::channel;
  using models::green::channel<T>::pop;  // the stoppable pop, unchanged
  std::optional<T> pop() {
    std::optional<T> item = models::green::channel<T>::pop();
    if (item && ++pops_ == 50) *item += 1;
    return item;
  }

 private:
  std::uint64_t pops_ = 0;
};

struct corrupt_channel : models::green {
  static constexpr std::string_view name = "corrupt_channel";
  template <class T>
  using channel = corrupting_channel<T>;
};

// failing_spawn — the fail_at-th spawn throws std::system_error(EAGAIN), as pthread_create
// does when a thread limit is hit.
struct failing_spawn : models::green {
  static constexpr std::string_view name = "failing_spawn";
  static inline std::uint64_t spawned = 0;
  static inline std::uint64_t fail_at = 0;
  template <class F>
  static thread spawn(F&& fn) {
    if (++spawned == fail_at) {
      throw std::system_error(EAGAIN, std::generic_category(), "spawn (simulated limit)");
    }
    return models::green::spawn(std::forward<F>(fn));
  }
  static void reset(std::uint64_t at) {
    spawned = 0;
    fail_at = at;
  }
};

// small_limit — green that admits only 200 threads alive at once.
struct small_limit : models::green {
  static constexpr std::string_view name = "small_limit";
  static constexpr std::uint64_t thread_limit = 200;
};

// tiny_limit — green that admits only 11 threads: the body and a ring of 10.
struct tiny_limit : models::green {
  static constexpr std::string_view name = "tiny_limit";
  static constexpr std::uint64_t thread_limit = 11;
};

static_assert(model<spawn_twice> && model<drop_every_7th> && model<corrupt_channel> &&
              model<failing_spawn> && model<small_limit> && model<tiny_limit>);

const run_options opts{};

}  // namespace

TEST_CASE("mutex reports a counter that does not match the critical sections run") {
  CHECK_THROWS_AS(workloads::mutex::run<spawn_twice>(opts, 4'000), wrong_result);
}

TEST_CASE("spawn_join reports a thread that never wrote its value") {
  drop_every_7th::spawned = 0;
  CHECK_THROWS_AS(workloads::spawn_join::run<drop_every_7th>(opts, 300), wrong_result);
}

TEST_CASE("skynet reports a wrong sum when a subtree never ran") {
  drop_every_7th::spawned = 0;
  CHECK_THROWS_AS(workloads::skynet::run<drop_every_7th>(opts, 100), wrong_result);
}

TEST_CASE("parallel_compute reports a chunk that never ran") {
  drop_every_7th::spawned = 0;
  CHECK_THROWS_AS(workloads::parallel_compute::run<drop_every_7th>(opts, 20'000), wrong_result);
}

TEST_CASE("pingpong reports a corrupted reply and still joins its partner") {
  CHECK_THROWS_AS(workloads::pingpong::run<corrupt_channel>(opts, 200), wrong_result);
}

TEST_CASE("pipeline reports a corrupted message") {
  CHECK_THROWS_AS(workloads::pipeline::run<corrupt_channel>(opts, 2'000), wrong_result);
}

TEST_CASE("ring reports a token whose hop count was corrupted") {
  // 100 members and 10,000 hops: each inbox pops 100 times, past the corrupted 50th.
  CHECK_THROWS_AS(workloads::ring::run<corrupt_channel>(opts, 10'000), wrong_result);
}

TEST_CASE("a failed spawn propagates, diagnosed, after the threads already spawned are joined") {
  // Threads blocked on a channel when the spawn fails must be released (channels closed) and
  // joined, or these calls would hang instead of throwing.
  SUBCASE("ring") {
    failing_spawn::reset(50);
    CHECK_THROWS_AS(workloads::ring::run<failing_spawn>(opts, 500), resource_exhausted);
  }
  SUBCASE("pipeline") {
    failing_spawn::reset(3);
    CHECK_THROWS_AS(workloads::pipeline::run<failing_spawn>(opts, 500), resource_exhausted);
  }
  SUBCASE("skynet") {
    failing_spawn::reset(25);
    CHECK_THROWS_AS(workloads::skynet::run<failing_spawn>(opts, 100), resource_exhausted);
  }
  SUBCASE("spawn_join") {
    failing_spawn::reset(150);
    CHECK_THROWS_AS(workloads::spawn_join::run<failing_spawn>(opts, 300), resource_exhausted);
  }
}

TEST_CASE("memory: a thread that never parks is an error after park_timeout, not a hang") {
  drop_every_7th::spawned = 0;
  CHECK_THROWS_WITH_AS(workloads::memory::run<drop_every_7th>(opts, 50),
                       doctest::Contains("threads parked"), wrong_result);
}

TEST_CASE("memory: a spawn that hits a limit ends the ramp; the threads reached are measured") {
  failing_spawn::reset(150);
  const sample s = workloads::memory::run<failing_spawn>(opts, 1'000);
  CHECK(s.size == 149);
  CHECK(s.scaled);
  CHECK(s.note.find("stopped at 149 of 1,000 threads by a limit: out of threads") !=
        std::string::npos);
  CHECK(s.note.find("when spawning thread 150 failed") != std::string::npos);
  CHECK(s.note.find("simulated limit") != std::string::npos);
  REQUIRE(s.metrics.size() == 3);
  CHECK(s.metrics[2].name == "threads_reached");
  CHECK(s.metrics[2].value == 149);
  CHECK(s.metrics[0].value > 0);  // 149 fiber stacks touched
}

TEST_CASE("memory: a model with a low thread_limit runs at it and says so") {
  const sample s = workloads::memory::run<small_limit>(opts, 1'000);
  CHECK(s.size == 199);  // the body is the 200th thread
  CHECK(s.scaled);
  CHECK(s.note.find("thread_limit 200") != std::string::npos);
  CHECK(s.check == "199 threads parked at once, each woken once");
}

TEST_CASE("spawn_join: percentile is the nearest rank") {
  std::vector<double> v{5, 1, 4, 2, 3};
  CHECK(workloads::support::percentile(v, 0.5) == 3);
  CHECK(workloads::support::percentile(v, 0.99) == 5);
  CHECK(workloads::support::percentile(v, 1.0) == 5);
  CHECK(workloads::support::percentile(v, 0.2) == 1);
  std::vector<double> hundred(100);
  for (std::size_t i = 0; i < hundred.size(); ++i) hundred[i] = static_cast<double>(100 - i);
  CHECK(workloads::support::percentile(hundred, 0.99) == 99);
}

TEST_CASE("skynet rejects a size that is not a power of 10") {
  CHECK_THROWS_AS(workloads::skynet::run<models::green>(opts, 0), std::invalid_argument);
  CHECK_THROWS_AS(workloads::skynet::run<models::green>(opts, 20), std::invalid_argument);
  CHECK_THROWS_AS(workloads::skynet::run<models::green>(opts, 110), std::invalid_argument);
}

TEST_CASE("skynet scales to the largest tree the thread_limit holds and says so") {
  // 1,000 leaves need 1,111 threads; 100 leaves need 111, within the limit of 200.
  const sample s = workloads::skynet::run<small_limit>(opts, 1'000);
  CHECK(s.size == 100);
  CHECK(s.scaled);
  CHECK(s.note.find("thread_limit 200") != std::string::npos);
  CHECK(s.check == "sum = 4,950");
}

TEST_CASE("ring shrinks to the thread_limit and marks the result scaled") {
  const sample s = workloads::ring::run<tiny_limit>(opts, 1'000);
  CHECK(s.scaled);
  CHECK(s.size == 1'000);  // the hops are all made; the ring is smaller
  CHECK(s.check.find("around 10 threads") != std::string::npos);
}

TEST_CASE("grouped writes thousands separators") {
  using workloads::support::grouped;
  CHECK(grouped(0) == "0");
  CHECK(grouped(999) == "999");
  CHECK(grouped(1'000) == "1,000");
  CHECK(grouped(1'111'111) == "1,111,111");
}

TEST_CASE("thread_group join hooks bracket every join in spawn order even when one rethrows") {
  // join_log — records ('b', k) before and ('a', k) after the join of thread k.
  using event = std::pair<char, std::size_t>;
  struct join_log {
    std::vector<event>* events;
    void before_join(std::size_t k) const { events->emplace_back('b', k); }
    void after_join(std::size_t k) const { events->emplace_back('a', k); }
  };
  std::vector<event> events;
  std::vector<int> ran(3, 0);
  bool rethrown = false;
  models::green::run(run_options{}, [&] {
    workloads::support::thread_group<models::green> group(3);
    group.spawn([&] { ran[0] = 1; });
    group.spawn([&] {
      ran[1] = 1;
      throw std::runtime_error("second thread");
    });
    group.spawn([&] { ran[2] = 1; });
    try {
      group.join_all(join_log{&events});
    } catch (const std::runtime_error&) {
      rethrown = true;
    }
    CHECK(group.size() == 0);
  });
  CHECK(rethrown);
  CHECK(ran == std::vector<int>{1, 1, 1});
  const std::vector<event> expected{{'b', 0}, {'a', 0}, {'b', 1}, {'a', 1}, {'b', 2}, {'a', 2}};
  CHECK(events == expected);
}

namespace {
// one_thread — green with room for the body alone.
struct one_thread : models::green {
  static constexpr std::uint64_t thread_limit = 1;
};
}  // namespace

TEST_CASE("spawn_budget leaves room for the body and is at least 1") {
  CHECK(workloads::support::spawn_budget<models::green>(opts) == models::green::thread_limit - 1);
  CHECK(workloads::support::spawn_budget<one_thread>(opts) == 1);
}

TEST_CASE("an explicit size is not bounded by the thread budget") {
  run_options given;
  given.size_given = true;
  CHECK(workloads::support::thread_budget<one_thread>(given) ==
        std::numeric_limits<std::uint64_t>::max());
  CHECK(workloads::support::spawn_budget<one_thread>(given) > 1'000'000'000);
}

TEST_CASE("memory: an explicit size runs as asked, and a limit that stops it is an error") {
  run_options given;
  given.size_given = true;
  const sample s = workloads::memory::run<small_limit>(given, 500);
  CHECK(s.size == 500);  // past thread_limit 200
  CHECK_FALSE(s.scaled);
  failing_spawn::reset(150);
  CHECK_THROWS_WITH_AS(
      workloads::memory::run<failing_spawn>(given, 1'000),
      doctest::Contains("when spawning thread 150 failed: spawn (simulated limit)"),
      resource_exhausted);
}
