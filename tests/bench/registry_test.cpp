// tests/bench/registry_test.cpp — the catalogue built from type lists, and models added to it.
#include <doctest/doctest.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

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

namespace {
// stackless_fake — a stackless model as the registry reads it: the description members and
// `stackless = true`.
struct stackless_fake : fakes::quick_model {
  static constexpr bool stackless = true;
  static constexpr std::string_view name = "stackless";
};
// with_coroutine_form — a workload that gives run_async beside run.
struct with_coroutine_form : fakes::counting {
  static constexpr std::string_view name = "with_form";
  template <class M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    sample s = fakes::counting::run<M>(opts, size);
    s.check = "coroutine form";
    return s;
  }
};
}  // namespace

TEST_CASE("registry: a stackless model runs coroutine forms and skips the others, saying why") {
  const registry reg =
      make_registry<type_list<fakes::counting, with_coroutine_form, fakes::waiting>,
                    type_list<fakes::quick_model, stackless_fake, fakes::pool_model>,
                    type_list<>>();
  const pair_entry* skipped = reg.find_pair("counting", "stackless");
  REQUIRE(skipped != nullptr);
  CHECK_FALSE(static_cast<bool>(skipped->run));
  CHECK(skipped->skip_reason ==
        "model stackless is stackless: workload counting has no coroutine form (run_async), and "
        "a stackless thread can wait only in a co_await");
  // The same workload's stackful form still runs on the stackful models.
  REQUIRE(reg.find_pair("counting", "quick") != nullptr);
  CHECK(static_cast<bool>(reg.find_pair("counting", "quick")->run));

  const pair_entry* async = reg.find_pair("with_form", "stackless");
  REQUIRE(async != nullptr);
  REQUIRE(static_cast<bool>(async->run));
  CHECK(async->skip_reason.empty());
  CHECK(async->run(run_options{}, 10).check == "coroutine form");
  // A stackful model runs the stackful form of a workload that has both.
  CHECK(reg.find_pair("with_form", "quick")->run(run_options{}, 10).check == "count = 10");

  // A missing capability is reported first, as on any model.
  CHECK(reg.find_pair("waiting", "pool")->skip_reason.find("lacks waits_on_threads") !=
        std::string::npos);
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

namespace {
// added_model — a model from outside the catalogue (bench/extend.hpp's use of add_models).
struct added_model : fakes::pool_model {
  static constexpr std::string_view name = "added";
};
// taken_name — a model whose name the catalogue already has.
struct taken_name : fakes::quick_model {};
}  // namespace

TEST_CASE("registry: add_models puts the new model after the others, pairs still workload-major") {
  const registry& base = fakes::healthy_registry();
  const registry reg =
      add_models<type_list<fakes::counting, fakes::waiting>, type_list<added_model>>(base);
  REQUIRE(reg.models.size() == 3);
  CHECK(reg.models[2].name == "added");
  REQUIRE(reg.pairs.size() == 6);
  const char* expected[][2] = {{"counting", "quick"}, {"counting", "pool"}, {"counting", "added"},
                               {"waiting", "quick"},  {"waiting", "pool"},  {"waiting", "added"}};
  for (std::size_t i = 0; i < reg.pairs.size(); ++i) {
    CHECK(reg.workloads[reg.pairs[i].workload].name == expected[i][0]);
    CHECK(reg.models[reg.pairs[i].model].name == expected[i][1]);
  }
  // The added model's pairs are its own: run where it has the capabilities, skipped where not.
  CHECK(static_cast<bool>(reg.find_pair("counting", "added")->run));
  CHECK(reg.find_pair("waiting", "added")->skip_reason.find("model added lacks") == 0);
  CHECK((reg.find_pair("counting", "quick")->run == base.find_pair("counting", "quick")->run));
  REQUIRE(reg.baselines.size() == 1);
  CHECK(reg.baselines[0].info.name == "floor");
}

TEST_CASE("registry: add_models refuses a taken name and a different workload list") {
  const registry& base = fakes::healthy_registry();
  CHECK_THROWS_WITH_AS(
      (add_models<type_list<fakes::counting, fakes::waiting>, type_list<taken_name>>(base)),
      "model name 'quick' is taken; valid models so far: quick, pool", std::invalid_argument);
  CHECK_THROWS_AS((add_models<type_list<fakes::counting>, type_list<added_model>>(base)),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      (add_models<type_list<fakes::waiting, fakes::counting>, type_list<added_model>>(base)),
      std::invalid_argument);
}
