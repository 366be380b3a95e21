// bench/models/hybrid.hpp — the M:N model: our own work-stealing scheduler (hybrid/) on
// Boost.Context, adapted to the model contract (bench/model.hpp).
//
// Green threads on M kernel workers: per-worker bounded Chase–Lev queues with stealing, a LIFO
// slot for the thread just woken, pooled guarded stacks with the control block on the stack,
// and workers that sleep on a futex when idle (see hybrid/src/scheduler.cpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "../model.hpp"

namespace threadlab::models {

// hybrid — M:N: cheap threads like green threads, on every core like kernel threads. A
// blocking system call still blocks its worker (no hand-off yet): no blocking_syscalls.
struct hybrid {
  static constexpr std::string_view name = "hybrid";
  static constexpr std::string_view description =
      "M:N green threads on M kernel workers (our work-stealing scheduler on Boost.Context)";
  static constexpr capability capabilities =
      capability::multicore | capability::waits_on_threads | capability::many_threads;
  static constexpr std::uint64_t thread_limit = 1'000'000;

  using thread = ::hybrid::thread;
  using mutex = ::hybrid::mutex;
  using condition_variable = ::hybrid::condition_variable;
  template <class T>
  using channel = ::hybrid::channel<T>;

  // world_options(opts) — opts.workers (0: one per core) and opts.stack_size (0: 64 KiB).
  static ::hybrid::options world_options(const run_options& opts) {
    ::hybrid::options o;
    o.workers = opts.workers != 0 ? opts.workers : std::max(1u, std::thread::hardware_concurrency());
    o.stack_size = opts.stack_size;
    return o;
  }

  static std::string configuration(const run_options& opts) {
    return ::hybrid::describe(world_options(opts));
  }

  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    using B = std::decay_t<Body>;
    if constexpr (std::is_copy_constructible_v<B>) {
      ::hybrid::run(world_options(opts), std::function<void()>(std::forward<Body>(body)));
    } else {  // std::function needs a copyable target
      auto shared = std::make_shared<B>(std::forward<Body>(body));
      ::hybrid::run(world_options(opts), [shared] { (*shared)(); });
    }
  }

  template <class Fn>
  static thread spawn(Fn&& fn) {
    return ::hybrid::spawn(std::forward<Fn>(fn));
  }

  static void yield() { ::hybrid::this_thread::yield(); }

  template <class Rep, class Period>
  static void sleep_for(std::chrono::duration<Rep, Period> d) {
    ::hybrid::this_thread::sleep_for(d);
  }
};

static_assert(threadlab::model<hybrid>);

}  // namespace threadlab::models
