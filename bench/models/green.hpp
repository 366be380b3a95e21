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
  static constexpr std::uint64_t thread_limit = 1'000'000;

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

  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    green_threads::run(world_options(opts), std::forward<Body>(body));
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
