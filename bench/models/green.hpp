// bench/models/green.hpp — the N:1 model: green_threads (Boost.Fiber, round_robin, one kernel
// thread) adapted to the model contract (bench/model.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <green_threads/channel.hpp>
#include <green_threads/runtime.hpp>
#include <green_threads/sync.hpp>
#include <green_threads/thread.hpp>

#include "../model.hpp"
#include "../trace.hpp"
#include "detail/green_bridge.hpp"

namespace threadlab::models {

// green — fibers on one kernel thread, cooperative round_robin. Threads wait on each other
// cheaply and 100,000s fit in memory, but the world uses one core, and a blocking system call
// stops every fiber (no multicore, no blocking_syscalls).
struct green {
  static constexpr std::string_view name = "green";
  static constexpr std::string_view description =
      "N:1 green threads: Boost.Fiber round_robin on one kernel thread";
  static constexpr capability capabilities =
      capability::waits_on_threads | capability::many_threads;
  // thread_limit — a budget for default runs, not a ceiling (the memory workload measures that):
  // a FIFO ready queue runs skynet breadth-first, so every thread of the tree is alive at once;
  // at 1M leaves that is 1.1M fibers, ~3 GiB of RSS and ~7 s per repetition. 200,000 keeps a
  // default comparison in seconds; skynet then runs 100,000 leaves and is marked scaled.
  static constexpr std::uint64_t thread_limit = 200'000;

  using thread = green_threads::thread;
  using mutex = green_threads::mutex;
  using condition_variable = green_threads::condition_variable;
  template <class T>
  using channel = green_threads::channel<T>;

  // world_options(opts) — the module's options for a run: opts.stack_size when non-zero,
  // pooled stacks, launch::dispatch. opts.workers is ignored (one kernel thread).
  static green_threads::runtime_options world_options(const run_options& opts) {
    green_threads::runtime_options o;
    o.stack_size = opts.stack_size;
    return o;
  }

  static std::string configuration(const run_options& opts) {
    return green_threads::describe(world_options(opts));
  }

  // run(opts, body) — one N:1 world. With opts.trace, the world's observed_round_robin reports
  // every transition through a green_bridge (worker -1): all figures observed by the scheduler.
  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    green_threads::runtime_options o = world_options(opts);
    if (opts.trace == nullptr) {
      green_threads::run(o, std::forward<Body>(body));
      return;
    }
    opts.trace->set_provenance(
        "green: ready, running and blocked observed by the scheduling algorithm (round_robin "
        "wrapper)");
    detail::green_bridge bridge(*opts.trace, false);
    o.observer = &bridge;
    green_threads::run(o, std::forward<Body>(body));
  }

  template <class Fn>
  static thread spawn(Fn&& fn) {
    return green_threads::spawn(std::forward<Fn>(fn));
  }

  static void yield() noexcept { green_threads::this_thread::yield(); }

  template <class Rep, class Period>
  static void sleep_for(std::chrono::duration<Rep, Period> d) {
    green_threads::this_thread::sleep_for(d);
  }
};

static_assert(threadlab::model<green>);

}  // namespace threadlab::models
