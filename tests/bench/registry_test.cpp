// tests/bench/registry_test.cpp — the catalogue built from type lists.
#include <doctest/doctest.h>

#include "fake_registry.hpp"

using namespace threadlab;

TEST_CASE("registry: every workload meets every model, workload-major") {
  const registry& reg = fakes::healthy_registry();
  REQUIRE(reg.workloads.size() == 2);
  REQUIRE(reg.models.size() == 2);
  REQUIRE(reg.pairs.size() == 4);
  CHECK(reg.workloads[reg.pairs[1].workload].name == "counting");
  CHECK(reg.models[reg.pairs[1].model].name == "pool");
  REQUIRE(reg.baselines.size() == 1);
  CHECK(reg.baselines[0].info.name == "floor");
}

TEST_CASE("registry: a model lacking a required capability is skipped with the reason") {
  const registry& reg = fakes::healthy_registry();
  const pair_entry* skipped = reg.find_pair("waiting", "pool");
  REQUIRE(skipped != nullptr);
  CHECK_FALSE(static_cast<bool>(skipped->run));
  CHECK(skipped->skip_reason ==
        "model pool lacks waits_on_threads: a fixed pool deadlocks when every worker waits on a "
        "task that is queued behind it");
  const pair_entry* runnable = reg.find_pair("waiting", "quick");
  REQUIRE(runnable != nullptr);
  CHECK(static_cast<bool>(runnable->run));
  CHECK(runnable->skip_reason.empty());
}

TEST_CASE("registry: lookups by name") {
  const registry& reg = fakes::healthy_registry();
  CHECK(reg.find_workload("counting") != nullptr);
  CHECK(reg.find_workload("floor") == nullptr);  // a baseline is not a workload
  CHECK(reg.find_baseline("floor") != nullptr);
  CHECK(reg.find_model("quick") != nullptr);
  CHECK(reg.find_model("nope") == nullptr);
  CHECK(reg.find_pair("counting", "nope") == nullptr);
}

TEST_CASE("registry: describe and skip_reason name every missing capability") {
  CHECK(describe(capability::none) == "none");
  CHECK(describe(capability::multicore | capability::many_threads) == "multicore, many_threads");
  const std::string reason =
      skip_reason("green", capability::none, capability::multicore | capability::blocking_syscalls);
  CHECK(reason.find("model green lacks multicore: ") == 0);
  CHECK(reason.find("; model green lacks blocking_syscalls: ") != std::string::npos);
  CHECK(skip_reason("x", capability::multicore, capability::multicore).empty());
}
