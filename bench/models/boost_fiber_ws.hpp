// bench/models/boost_fiber_ws.hpp — the peer M:N model: Boost.Fiber fibers over M kernel
// threads with Boost's work_stealing policy, adapted to the model contract (bench/model.hpp).
//
// It is the yardstick for our own M:N scheduler (hybrid/): the same fibers, stacks and
// primitives as green_threads (whose thread, channel and sync types it reuses: Boost's
// primitives work across kernel threads), but every worker runs ws_algorithm, a restartable
// copy of boost::fibers::algo::work_stealing whose thieves also take fibers queued behind a
// pinned context (detail/boost_fiber_ws_algorithm.hpp says why a copy, and why that change).
// Idle workers spin looking for work, as Boost's algorithm does by default.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <latch>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/operations.hpp>
#include <green_threads/detail/world.hpp>
#include <green_threads/stack.hpp>
#include <green_threads/thread.hpp>

#include "bench/model.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/boost_fiber_ws_algorithm.hpp"
#include "detail/green_bridge.hpp"
#include "detail/green_threads_base.hpp"

namespace threadlab::models {

// boost_fiber_ws — see the file comment. thread_limit, the thread and primitive types, spawn,
// yield and sleep_for come from detail::green_threads_base, shared with `green`.
struct boost_fiber_ws : detail::green_threads_base {
  static constexpr std::string_view name = "boost_fiber_ws";
  static constexpr std::string_view description =
      "peer M:N: Boost.Fiber work_stealing over M kernel threads";
  static constexpr capability capabilities =
      capability::multicore | capability::waits_on_threads | capability::many_threads;
  // workers(opts) — M: opts.workers, or the core count when 0 (at least 1).
  static unsigned workers(const run_options& opts) { return threadlab::resolved_workers(opts); }

  // configuration(opts) — policy, worker count, idle behaviour, stacks and launch policy.
  static std::string configuration(const run_options& opts) {
    const green_threads::stack_allocator stacks(green_threads::stack_kind::pooled, opts.stack_size,
                                                true);
    return "work_stealing (Boost 1.74's policy; per-run registry, steals past pinned), " +
           std::to_string(workers(opts)) + " kernel threads, idle workers spin, " +
           stacks.describe() + " (mutex-guarded pool), launch dispatch";
  }

  // run(opts, body) — M fresh kernel threads each install ws_algorithm; worker 0 runs body as
  // a fiber, waits for every fiber of the world, then releases the others, which until then
  // run and steal fibers (their main context waits on a fiber condition variable, so their
  // dispatcher keeps going). All M threads are joined before run returns; body's exception is
  // rethrown. Fresh threads, not the caller's, so that the caller's own Boost.Fiber scheduler
  // (round_robin by default) is never replaced and worlds of different kinds can alternate.
  // With opts.trace, every worker's ws_algorithm reports the transitions it sees through one
  // green_bridge (worker = its index): all figures observed by the scheduling algorithm.
  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    const unsigned m = workers(opts);
    detail::ws_team team(m);
    std::optional<detail::green_bridge> bridge;
    std::optional<green_threads::detail::observation> watched;
    if (opts.trace != nullptr) {
      opts.trace->set_provenance(
          "boost_fiber_ws: ready, running and blocked observed by each worker's scheduling "
          "algorithm");
      bridge.emplace(*opts.trace, true);
      watched.emplace(&*bridge);
    }
    green_threads::detail::observation* const observed = watched ? &*watched : nullptr;
    green_threads::detail::world world{
        boost::fibers::launch::dispatch,
        green_threads::stack_allocator(green_threads::stack_kind::pooled, opts.stack_size, true),
        {}};
    boost::fibers::mutex done_mutex;
    boost::fibers::condition_variable done_cv;
    bool done = false;         // guarded by done_mutex
    std::exception_ptr error;  // written by worker 0, read after the joins

    // Every worker waits on `started` before joining the team, so that if creating a kernel
    // thread fails (EAGAIN at the process's thread limit) the ones already created can be
    // told to leave instead of waiting forever on the team's barrier.
    std::latch started(m);
    std::atomic<bool> aborted = false;

    auto worker = [&](unsigned id) {
      started.arrive_and_wait();
      // relaxed: ordered by the latch (count_down releases, arrive_and_wait acquires).
      if (aborted.load(std::memory_order_relaxed)) return;
      boost::fibers::use_scheduling_algorithm<detail::ws_algorithm>(team, id, false, observed);
      green_threads::detail::world_binding binding(world);
      if (id == 0) {
        try {
          // post, not dispatch: with dispatch this thread's main context (pinned: it can
          // never migrate) would wait in the ready queue in front of body. Boost's own
          // work_stealing steals only the front of a queue, so body would be unstealable for
          // as long as its first child ran without blocking; ws_ready_queue::steal skips
          // pinned contexts, and posting keeps the start the same for both.
          green_threads::thread first =
              green_threads::detail::spawn_with(boost::fibers::launch::post, [&body] { body(); });
          first.join();
        } catch (...) {
          error = std::current_exception();
        }
        world.live.wait_until_empty();
        {
          std::lock_guard lock(done_mutex);
          done = true;
        }
        done_cv.notify_all();
      } else {
        std::unique_lock lock(done_mutex);
        done_cv.wait(lock, [&] { return done; });
      }
    };

    std::vector<std::thread> threads;
    threads.reserve(m);
    for (unsigned id = 0; id < m; ++id) {
      try {
        threads.emplace_back(worker, id);
      } catch (...) {  // std::system_error (EAGAIN): report it after releasing the others
        aborted.store(true, std::memory_order_relaxed);
        started.count_down(m - id);
        for (auto& t : threads) t.join();
        throw;
      }
    }
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
  }
};

static_assert(threadlab::model<boost_fiber_ws>);

}  // namespace threadlab::models
