// bench/models/boost_fiber_ws.hpp — the peer M:N model: Boost.Fiber fibers over M kernel
// threads with Boost's work_stealing policy (green_threads' work_stealing world), adapted to the
// model contract (bench/model.hpp).
//
// It is the yardstick for our own M:N scheduler (hybrid/): the same fibers, stacks and
// primitives as `green`, but M kernel threads, each stealing from the others when idle; idle
// workers spin, as Boost's algorithm does by default (green_threads/src/work_stealing.hpp says
// how the policy is Boost's and where it had to differ).
#pragma once

#include <string_view>

#include <green_threads/runtime.hpp>

#include "bench/model.hpp"
#include "detail/green_threads_base.hpp"

namespace threadlab::models {

// boost_fiber_ws — see the file comment. run, configuration, thread_limit, the thread and
// primitive types, spawn, yield and sleep_for come from detail::green_threads_base.
struct boost_fiber_ws : detail::green_threads_base<boost_fiber_ws> {
  static constexpr std::string_view name = "boost_fiber_ws";
  static constexpr std::string_view description =
      "peer M:N: Boost.Fiber work_stealing over M kernel threads";
  // Not net: Boost's work_stealing idles by spinning or on a condition variable, with no
  // netpoller; green_threads gives sockets to round_robin worlds only.
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads;
  // provenance — what a trace of this model observes: every transition, through each kernel
  // thread's algorithm (worker = its index).
  static constexpr std::string_view provenance =
      "boost_fiber_ws: ready, running and blocked observed by each worker's scheduling "
      "algorithm";

  // world_options(opts) — work_stealing over opts.workers kernel threads (0: one per core),
  // idle workers spinning, opts.stack_size when non-zero, pooled stacks with guard pages,
  // launch::dispatch.
  static green_threads::options world_options(const run_options& opts) {
    green_threads::options o;
    o.scheduling = green_threads::algorithm::work_stealing;
    o.workers = threadlab::resolved_workers(opts);
    o.stack_size = opts.stack_size;
    return o;
  }
};

static_assert(threadlab::model<boost_fiber_ws>);

}  // namespace threadlab::models
