// bench/workloads/all.hpp — every workload the harness knows, in the order reports list them.
// Adding a workload: write bench/workloads/<name>.hpp, include it here, add it to the list.
#pragma once

#include "atomic_rmw.hpp"
#include "bench/type_list.hpp"
#include "bench/workload.hpp"
#include "blocking_io.hpp"
#include "context_switch.hpp"
#include "echo.hpp"
#include "fairness.hpp"
#include "http.hpp"
#include "idle.hpp"
#include "memory.hpp"
#include "mutex.hpp"
#include "parallel_compute.hpp"
#include "pingpong.hpp"
#include "pipeline.hpp"
#include "ring.hpp"
#include "skynet.hpp"
#include "spawn_join.hpp"
#include "timers.hpp"
#include "yield.hpp"

namespace threadlab {

using all_workloads =
    type_list<workloads::spawn_join, workloads::pingpong, workloads::yield, workloads::skynet,
              workloads::ring, workloads::pipeline, workloads::mutex, workloads::parallel_compute,
              workloads::memory, workloads::echo, workloads::http, workloads::blocking_io,
              workloads::blocking_io_wrapped, workloads::fairness, workloads::timers,
              workloads::idle>;

// Baselines are measured beside the models in the same run, with no model: the floors a model
// can approach (a bare Boost.Context switch; an uncontended locked exchange, the price of every
// lock and CAS). Shape: like a workload, but
// `static sample run(std::uint64_t size)` takes no model.
using all_baselines = type_list<workloads::context_switch, workloads::atomic_rmw>;

// Every entry has the shape bench/workload.hpp describes.
template <class... Ws, class... Bs>
constexpr bool all_well_formed(type_list<Ws...>, type_list<Bs...>) {
  return (workload<Ws> && ...) && (baseline<Bs> && ...);
}
static_assert(all_well_formed(all_workloads{}, all_baselines{}));

}  // namespace threadlab
