// bench/run/parameters.hpp — how a run is made: warm-up, repetitions, watchdog, workers, stack
// size and problem size. One struct, with the defaults and the accepted ranges beside it: the
// command line parses into it (cli/cli.cpp, whose help strings print these defaults), the
// runner and the forked child run by it (run/runner.cpp, run/isolation.cpp), and every results
// file records it (run/results.hpp, report/json.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace threadlab {

// parameters — one run's settings. The defaults are the default comparison's.
struct parameters {
  // warmup — runs per pair whose samples are discarded (caches, page faults, stack pools).
  unsigned warmup = 1;
  // repetitions — measured runs per pair; every metric is summarized over them (>= 1).
  unsigned repetitions = 5;
  // timeout_s — the watchdog: seconds one run (a warm-up or a repetition) may take before the
  // child is killed and the pair reported as hung (> 0).
  double timeout_s = 60;
  // workers — kernel workers of the pool and M:N models; 0 asks for one per logical core. The
  // runner resolves 0 before running, so a results file never holds 0.
  unsigned workers = 0;
  // stack_size — bytes of stack per thread of the model; 0: each model's own default.
  std::uint64_t stack_size = 0;
  // size — the problem size of every workload; nullopt: each workload's default_size.
  std::optional<std::uint64_t> size;
  // workers_sweep / size_sweep — the values of a `--workers 1,2,4` / `--size 1000,10000` list
  // with more than one value, in the order given; empty otherwise. A sweep runs the whole
  // selection once per point (each workers value with each size, workers outermost); while a
  // point runs, `workers` and `size` hold it, and each record names its point (results.hpp).
  std::vector<unsigned> workers_sweep;
  std::vector<std::uint64_t> size_sweep;
};

// parameter_limits — the ranges the command line accepts. The upper bounds catch typos (a run of
// a million repetitions is never meant), not what a machine could do.
namespace parameter_limits {
inline constexpr std::uint64_t max_size = 1'000'000'000'000ull;
inline constexpr unsigned max_repetitions = 1000;
inline constexpr unsigned max_warmup = 100;
inline constexpr unsigned max_workers = 1024;
inline constexpr std::uint64_t min_stack_size = 16 * 1024;  // PTHREAD_STACK_MIN on x86-64
inline constexpr std::uint64_t max_stack_size = 1ull << 30;
inline constexpr double max_timeout_s = 24 * 3600;
// max_sweep_values — values in one --workers or --size list: each is a run of the whole
// selection, so a thousand is already days; more is a pasted file, not a sweep.
inline constexpr std::size_t max_sweep_values = 1000;
}  // namespace parameter_limits

}  // namespace threadlab
