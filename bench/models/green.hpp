// bench/models/green.hpp — the N:1 model: green_threads (Boost.Fiber, round_robin, one kernel
// thread) adapted to the model contract (bench/model.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include <green_threads/net.hpp>
#include <green_threads/runtime.hpp>

#include "bench/model.hpp"
#include "detail/green_threads_base.hpp"

namespace threadlab::models {

// green — fibers on one kernel thread, cooperative round_robin. Threads wait on each other
// cheaply and 100,000s fit in memory, but the world uses one core, and a blocking system call
// stops every fiber (no multicore, no blocking_syscalls). run, configuration, thread_limit, the
// thread and primitive types, spawn, yield and sleep_for come from detail::green_threads_base.
struct green : detail::green_threads_base<green> {
  static constexpr std::string_view name = "green";
  static constexpr std::string_view description =
      "N:1 green threads: Boost.Fiber round_robin on one kernel thread";
  static constexpr capability capabilities = capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads |
                                             capability::net;
  // provenance — what a trace of this model observes: every transition, through the world's
  // observed_round_robin (worker -1: one kernel thread).
  static constexpr std::string_view provenance =
      "green: ready, running and blocked observed by the scheduling algorithm (round_robin "
      "wrapper)";

  // listener, stream, connect — sockets on the world's netpoller: a wait parks the fiber.
  using listener = green_threads::net::listener;
  using stream = green_threads::net::stream;
  static stream connect(std::string_view address, std::uint16_t port,
                        net_deadline d = net_forever) {
    return green_threads::net::connect(address, port, d);
  }

  // world_options(opts) — round_robin, opts.stack_size when non-zero, pooled stacks with
  // guard pages, launch::dispatch. opts.workers is ignored (one kernel thread).
  static green_threads::options world_options(const run_options& opts) {
    green_threads::options o;
    o.stack_size = opts.stack_size;
    return o;
  }
};

static_assert(threadlab::net_model<green>);

}  // namespace threadlab::models
