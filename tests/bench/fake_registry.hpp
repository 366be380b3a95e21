// tests/bench/fake_registry.hpp — fake workloads and models with known behaviour, so the
// runner, reports and CLI are tested without any real model: one pair returns samples, one
// throws wrong_result, one hangs, one crashes, and a pool-like model lacks waits_on_threads.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "bench/run/registry.hpp"

namespace threadlab::fakes {

// sizes<N> — a fake workload's three sizes (bench/workload.hpp): N for every use, traces capped
// at 1,000.
template <std::uint64_t N>
struct sizes {
  static constexpr std::uint64_t default_size = N;
  static constexpr std::uint64_t smoke_size = N;
  static constexpr std::uint64_t trace_size = N < 1000 ? N : 1000;
};

// quick_model, pool_model — models as the registry reads them; cost_ns sets their speed.
struct quick_model {
  static constexpr std::string_view name = "quick";
  static constexpr std::string_view description = "a fake model that does everything";
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads;
  static constexpr std::uint64_t thread_limit = 1'000'000;
  static constexpr double cost_ns = 10;
  static std::string configuration(const run_options& o) {
    return "fake, " + std::to_string(resolved_workers(o)) + " workers";
  }
};

struct pool_model {
  static constexpr std::string_view name = "pool";
  static constexpr std::string_view description = "a fake fixed pool";
  static constexpr capability capabilities = capability::multicore;
  static constexpr std::uint64_t thread_limit = 100;
  static constexpr double cost_ns = 25;
  static std::string configuration(const run_options&) { return "fake pool"; }
};

// counting — returns size * M::cost_ns, checked; scaled on a model whose thread_limit < size.
struct counting : sizes<1000> {
  static constexpr std::string_view name = "counting";
  static constexpr std::string_view description = "returns a known figure";
  static constexpr capability requires_caps = capability::none;
  template <class M>
  static sample run(const run_options&, std::uint64_t size) {
    sample s;
    s.size = size > M::thread_limit ? M::thread_limit : size;
    s.scaled = s.size != size;
    if (s.scaled) s.note = "scaled to " + std::to_string(s.size);
    s.metrics = {{"ns_per_op", "ns", M::cost_ns * static_cast<double>(s.size), true},
                 {"ops_per_s", "ops/s", 1e9 / M::cost_ns, false}};
    s.check = "count = " + std::to_string(s.size);
    return s;
  }
};

// waiting — requires waits_on_threads: skipped on the pool.
struct waiting : sizes<10> {
  static constexpr std::string_view name = "waiting";
  static constexpr std::string_view description = "needs waits_on_threads";
  static constexpr capability requires_caps = capability::waits_on_threads;
  template <class M>
  static sample run(const run_options&, std::uint64_t size) {
    return sample{{{"ns_per_wait", "ns", 5, true}}, size, false, "", "ok"};
  }
};

// wrong — computes a wrong answer.
struct wrong : sizes<10> {
  static constexpr std::string_view name = "wrong";
  static constexpr std::string_view description = "throws wrong_result";
  static constexpr capability requires_caps = capability::none;
  template <class M>
  static sample run(const run_options&, std::uint64_t) {
    throw wrong_result("sum = 41, expected 42");
  }
};

// hang — never finishes (bounded at 30 s, far beyond the tests' 1 s watchdog).
struct hang : sizes<10> {
  static constexpr std::string_view name = "hang";
  static constexpr std::string_view description = "deadlocks";
  static constexpr capability requires_caps = capability::none;
  template <class M>
  static sample run(const run_options&, std::uint64_t) {
    std::this_thread::sleep_for(std::chrono::seconds(30));
    return {};
  }
};

// abort_without_core() — std::abort with core dumps off, so a test leaves no core file.
[[noreturn]] inline void abort_without_core() {
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  std::abort();
}

// crash — aborts (with core dumps off, so the test leaves no core file).
struct crash : sizes<10> {
  static constexpr std::string_view name = "crash";
  static constexpr std::string_view description = "aborts";
  static constexpr capability requires_caps = capability::none;
  template <class M>
  static sample run(const run_options&, std::uint64_t) {
    abort_without_core();
  }
};

// floor — a baseline.
struct floor : sizes<100> {
  static constexpr std::string_view name = "floor";
  static constexpr std::string_view description = "a fake baseline";
  static sample run(std::uint64_t size) {
    return sample{{{"ns_per_switch", "ns", 3, true}}, size, false, "", "switched"};
  }
};

// healthy_registry() — counting and waiting on quick and pool, plus the floor baseline.
inline const registry& healthy_registry() {
  static const registry reg = make_registry<type_list<counting, waiting>,
                                            type_list<quick_model, pool_model>, type_list<floor>>();
  return reg;
}

// failing_registry() — every fake workload on the quick model only.
inline const registry& failing_registry() {
  static const registry reg =
      make_registry<type_list<counting, wrong, hang, crash>, type_list<quick_model>, type_list<>>();
  return reg;
}

}  // namespace threadlab::fakes
