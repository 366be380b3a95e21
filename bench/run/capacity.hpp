// bench/run/capacity.hpp — before a run: whether the size asked for (`--size`) fits this
// machine's limits, estimated from what each thread of the model takes at the least
// (thread_footprint, bench/model.hpp) and how many threads the workload keeps alive at that size
// (W::threads_at, bench/workload.hpp), against the limits and their use now (run/limits.hpp).
//
// Only what clearly cannot run is refused: the estimate counts stacks, tasks and mappings
// that every thread must have, so a run it passes may still hit a limit (heap, descriptors,
// glibc's per-thread arenas), and is then diagnosed where it fails (run/exhaustion.hpp). A
// pair whose model or workload does not say (no footprint, no threads_at) is not estimated;
// neither is a default size, which workloads scale to the model's thread budget.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/model.hpp"
#include "bench/run/limits.hpp"
#include "bench/run/parameters.hpp"
#include "bench/run/registry.hpp"
#include "bench/run/runner.hpp"

namespace threadlab {

// exceeded_limit — one limit that a size would go past.
struct exceeded_limit {
  std::string limit;               // what it is, as the user can change it: "RLIMIT_AS (ulimit -v)"
  std::string value;               // its value: "1 GiB", "32,768"
  std::uint64_t largest_size = 0;  // the largest size it allows (0: none)
};

// exceeded_limits(f, threads_at, size, at) — the limits that `threads_at(size)` threads of
// footprint f would go past, given what is in use at `at`, each with the largest size it
// allows: address space (RLIMIT_AS against what is mapped now plus the threads' reserved
// stacks), tasks (RLIMIT_NPROC, kernel.threads-max, kernel.pid_max, for kernel threads),
// mappings (vm.max_map_count) and memory (MemAvailable against the threads' resident bytes).
// Empty when it fits. Precondition: threads_at increases with size.
std::vector<exceeded_limit> exceeded_limits(const thread_footprint& f,
                                            std::uint64_t (*threads_at)(std::uint64_t),
                                            std::uint64_t size, const limits_snapshot& at);

// capacity_refusal(reg, sel, params, at) — "" when every pair of sel fits at the largest size
// params asks for (params.size or the largest of params.size_sweep; nothing is checked when
// neither is given), else the one line saying so: "--size 5,000 does not fit this machine:
// memory on kernel needs 5,001 threads: RLIMIT_AS (ulimit -v) is 1 GiB, which allows --size
// 121 at most; ..." for each pair that does not fit, each limit it exceeds. params' workers are
// resolved (not 0).
std::string capacity_refusal(const registry& reg, const selection& sel, const parameters& params,
                             const limits_snapshot& at);

}  // namespace threadlab
