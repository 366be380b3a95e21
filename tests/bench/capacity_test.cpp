// tests/bench/capacity_test.cpp — the estimate of whether an asked size fits
// (bench/run/capacity.hpp), with injected limits: each limit and the largest size it allows,
// what is not estimated, and the one-line refusal over a registry.
#include "bench/run/capacity.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bench/run/runner.hpp"
#include "fake_registry.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

// plus_one — threads alive at a size: one per unit and the body.
std::uint64_t plus_one(std::uint64_t size) { return size + 1; }

// kernel_like — 1 MiB reserved, 16 KiB resident, a kernel task and two mappings per thread.
constexpr thread_footprint kernel_like{1 * mib, 16 * 1024, 1, 2};
// fiber_like — 64 KiB reserved, 4 KiB resident, nothing else.
constexpr thread_footprint fiber_like{64 * 1024, 4096, 0, 0};

// unlimited_snapshot() — no limit at all, nothing in use.
limits_snapshot unlimited_snapshot() { return limits_snapshot{}; }

// parked — a workload whose size is threads parked at once, with threads_at.
struct parked : fakes::sizes<100> {
  static constexpr std::string_view name = "parked";
  static constexpr std::string_view description = "parks size threads";
  static constexpr capability requires_caps = capability::none;
  static std::uint64_t threads_at(std::uint64_t size) { return size + 1; }
  template <class M>
  static sample run(const run_options&, std::uint64_t size) {
    return sample{{{"bytes", "bytes", 1, true}}, size, false, "", "ok"};
  }
};

// kernelish — a model that says what its threads cost.
struct kernelish : fakes::quick_model {
  static constexpr std::string_view name = "kernelish";
  static thread_footprint footprint(const run_options&) { return kernel_like; }
};

}  // namespace

TEST_CASE("capacity: RLIMIT_AS against the stacks reserved, past what is mapped") {
  limits_snapshot s = unlimited_snapshot();
  s.limits.address_space = 100 * mib;
  s.usage.mapped_bytes = 10 * mib;
  const auto exceeded = exceeded_limits(kernel_like, &plus_one, 1000, s);
  REQUIRE(exceeded.size() == 1);
  CHECK(exceeded[0].limit == "RLIMIT_AS (ulimit -v)");
  CHECK(exceeded[0].value == "100 MiB");
  CHECK(exceeded[0].largest_size == 89);  // 90 threads of 1 MiB in the 90 MiB left
  CHECK(exceeded_limits(kernel_like, &plus_one, 89, s).empty());
}

TEST_CASE("capacity: task limits count kernel threads only") {
  limits_snapshot s = unlimited_snapshot();
  s.limits.user_tasks = 60;
  s.usage.user_tasks = 10;
  s.limits.threads_max = 500;
  s.limits.pid_max = 400;
  s.usage.system_tasks = 100;
  const auto exceeded = exceeded_limits(kernel_like, &plus_one, 1000, s);
  REQUIRE(exceeded.size() == 3);
  CHECK(exceeded[0].limit == "RLIMIT_NPROC (ulimit -u)");
  CHECK(exceeded[0].largest_size == 49);
  CHECK(exceeded[1].limit == "kernel.threads-max");
  CHECK(exceeded[1].largest_size == 399);
  CHECK(exceeded[2].limit == "kernel.pid_max");
  CHECK(exceeded[2].value == "400");
  CHECK(exceeded[2].largest_size == 299);
  CHECK(exceeded_limits(fiber_like, &plus_one, 1000, s).empty());
}

TEST_CASE("capacity: vm.max_map_count and MemAvailable") {
  limits_snapshot s = unlimited_snapshot();
  s.limits.map_count = 1000;
  s.usage.mappings = 100;
  s.limits.memory_available = 4 * mib;
  const auto exceeded = exceeded_limits(kernel_like, &plus_one, 1000, s);
  REQUIRE(exceeded.size() == 2);
  CHECK(exceeded[0].limit == "vm.max_map_count");
  CHECK(exceeded[0].largest_size == 449);  // 450 threads of 2 mappings in the 900 left
  CHECK(exceeded[1].limit == "MemAvailable");
  CHECK(exceeded[1].value == "4 MiB");
  CHECK(exceeded[1].largest_size == 255);  // 256 threads of 16 KiB
}

TEST_CASE("capacity: a limit already used up allows no size") {
  limits_snapshot s = unlimited_snapshot();
  s.limits.address_space = 100 * mib;
  s.usage.mapped_bytes = 200 * mib;
  const auto exceeded = exceeded_limits(kernel_like, &plus_one, 10, s);
  REQUIRE(exceeded.size() == 1);
  CHECK(exceeded[0].largest_size == 0);
}

TEST_CASE("capacity: the refusal names each pair, each limit and the largest size") {
  const registry reg = make_registry<type_list<parked, fakes::counting>,
                                     type_list<kernelish, fakes::quick_model>, type_list<>>();
  const selection sel = select(reg);
  limits_snapshot s = unlimited_snapshot();
  s.limits.address_space = 100 * mib;
  s.limits.pid_max = 60;
  parameters p;
  p.workers = 2;
  SUBCASE("a default size is not estimated") { CHECK(capacity_refusal(reg, sel, p, s).empty()); }
  SUBCASE("a size that fits is not refused") {
    p.size = 50;
    CHECK(capacity_refusal(reg, sel, p, s).empty());
  }
  SUBCASE("a size that does not fit") {
    p.size = 1000;
    CHECK(capacity_refusal(reg, sel, p, s) ==
          "--size 1,000 does not fit this machine: parked on kernelish needs 1,001 threads: "
          "RLIMIT_AS (ulimit -v) is 100 MiB, which allows --size 99 at most, kernel.pid_max is "
          "60, which allows --size 59 at most");
  }
  SUBCASE("a sweep is estimated at its largest size") {
    p.size_sweep = {10, 2000, 100};
    p.size = 10;
    CHECK(contains(capacity_refusal(reg, sel, p, s), "--size 2,000 does not fit"));
  }
}
