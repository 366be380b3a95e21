// bench/models/detail/traced_task.hpp — a spawned function as a pool's task, for the adapters
// whose threads are tasks (kernel_pool, tbb): given a std::stop_token when it takes one, and
// traced as a thread of its own (new when queued, running when a kernel thread starts it,
// terminated when it returns), through kernel_threads' observer hooks.
#pragma once

#include <cstdint>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "kernel_threads/observer.hpp"

namespace threadlab::models::detail {

// traced_task<Fn> — what the adapter queues. Called once; const, because a task library may
// keep its functor const (oneTBB does), hence the mutable members. fn's result is discarded.
template <class Fn>
struct traced_task {
  mutable Fn fn;
  mutable std::stop_token token;
  kernel_threads::observer* sink;
  std::uint64_t id;

  void operator()() const {
    const kernel_threads::observed_thread observed(sink, id);  // running now, terminated after
    if constexpr (std::is_invocable_v<Fn&, std::stop_token>) {
      static_cast<void>(fn(std::move(token)));
    } else {
      static_cast<void>(fn());
    }
  }
};

// stop_source_for<Fn>() — a stop state for a function that takes a std::stop_token; none (no
// allocation) for one that does not, whose handle's request_stop() then returns false.
template <class Fn>
std::stop_source stop_source_for() {
  if constexpr (std::is_invocable_v<Fn&, std::stop_token>) {
    return std::stop_source();
  } else {
    return std::stop_source(std::nostopstate);
  }
}

// make_traced_task(fn, stop, sink) — fn as a task with stop's token, announced `new` to sink
// now (sink nullptr: tracing off).
template <class F>
traced_task<std::decay_t<F>> make_traced_task(F&& fn, const std::stop_source& stop,
                                              kernel_threads::observer* sink) {
  return {std::forward<F>(fn), stop.get_token(), sink, kernel_threads::announce_new(sink)};
}

}  // namespace threadlab::models::detail
