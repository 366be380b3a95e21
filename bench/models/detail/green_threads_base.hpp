// bench/models/detail/green_threads_base.hpp — what every adapter built on green_threads shares.
//
// `green` (N:1, round_robin on one kernel thread) and `boost_fiber_ws` (M:N, work_stealing over
// M kernel threads) differ only in the green_threads::options of their world (each adapter's
// world_options), their names, capabilities and trace provenance. Inside a world both use the
// same Boost.Fiber fibers, so the thread and primitive types, spawn, yield, sleep_for, the
// thread budget, run and configuration are defined once, here, and each adapter inherits them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <green_threads/blocking.hpp>
#include <green_threads/channel.hpp>
#include <green_threads/runtime.hpp>
#include <green_threads/sync.hpp>
#include <green_threads/thread.hpp>

#include "bench/model.hpp"
#include "bench/scheduler_counters.hpp"
#include "bench/trace/tracer.hpp"
#include "green_bridge.hpp"

namespace threadlab::models::detail {

// green_threads_base<Adapter> — the static members of the model contract (bench/model.hpp)
// that do not depend on how the world is scheduled, and run/configuration from the adapter's
// `world_options(opts)` and `provenance` (what its trace's figures are). Not a model by
// itself: it has no name.
template <class Adapter>
struct green_threads_base {
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

  // spawn(fn) — a new fiber running fn() in the calling thread's world. Precondition: called
  // from a fiber of a world (inside M::run).
  template <class Fn>
  static thread spawn(Fn&& fn) {
    return green_threads::spawn(std::forward<Fn>(fn));
  }

  // blocking(fn) — fn() on one of the world's helper kernel threads, the calling fiber parked
  // meanwhile: the fibers' only way around a blocking call (green_threads/blocking.hpp).
  template <class Fn>
  static std::invoke_result_t<Fn&> blocking(Fn&& fn) {
    return green_threads::blocking(std::forward<Fn>(fn));
  }

  // yield() — lets the other ready fibers of this kernel thread's scheduler run.
  static void yield() noexcept { green_threads::this_thread::yield(); }

  // sleep_for(d) — suspends the calling fiber (not its kernel thread) for at least d.
  template <class Rep, class Period>
  static void sleep_for(std::chrono::duration<Rep, Period> d) {
    green_threads::this_thread::sleep_for(d);
  }

  // footprint(opts) — per fiber: its pooled stack reserved (carved from the heap, so no mapping
  // of its own and no kernel task) and at least a page of it touched.
  static thread_footprint footprint(const run_options& opts) {
    const std::uint64_t stack =
        opts.stack_size != 0 ? opts.stack_size : green_threads::default_stack_size;
    return thread_footprint{
        .reserved_bytes = stack, .resident_bytes = 4096, .kernel_tasks = 0, .mappings = 0};
  }

  // configuration(opts) — the module's own description of the adapter's world_options(opts).
  static std::string configuration(const run_options& opts) {
    return green_threads::describe(Adapter::world_options(opts));
  }

  // run(opts, body) — green_threads::run with the adapter's world_options(opts). With
  // opts.trace, every transition the world's scheduling algorithm sees goes to it through a
  // green_bridge, with the kernel thread's index as worker when the world has several. With
  // opts.counters, the world's own counters (green_threads::stats) go to it.
  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    green_threads::options o = Adapter::world_options(opts);
    std::optional<green_bridge> bridge;
    if (opts.trace != nullptr) {
      opts.trace->set_provenance(std::string(Adapter::provenance));
      o.observer = &bridge.emplace(*opts.trace, green_threads::worker_count(o) > 1);
    }
    const green_threads::stats s = green_threads::run(o, std::forward<Body>(body));
    if (opts.counters != nullptr) {
      report_counters(s, o.scheduling == green_threads::algorithm::work_stealing, *opts.counters);
    }
  }

  // report_counters(s, stealing, to) — the counters of one world (green_threads::stats:
  // counted by each kernel thread's scheduling algorithm, and by the stack pool for
  // unguarded_stacks: stacks carved past the guard budget, without a guard page), under the names
  // bench/scheduler_counters.hpp lists for green and boost_fiber_ws; hybrid's names where the
  // event is the same. Steals only for a work_stealing world (`stealing`): round_robin has no
  // peers, and zeros would read as data.
  static void report_counters(const green_threads::stats& s, bool stealing,
                              scheduler_counters& to) {
    to.add("threads_spawned", s.threads_spawned);
    to.add("local_pushes", s.local_pushes);
    if (stealing) {
      to.add("steals", s.steals);
      to.add("threads_stolen", s.threads_stolen);
    }
    to.add("worker_parks", s.worker_parks);
    to.add("worker_unparks", s.worker_unparks);
    to.add("park_timeouts", s.park_timeouts);
    to.add("idle_spins", s.idle_spins);
    to.add("unguarded_stacks", s.unguarded_stacks);
  }
};

}  // namespace threadlab::models::detail
