// hybrid/src/runtime.cpp — entering and leaving the M:N world (hybrid/runtime.hpp): one run at a
// time, the scheduler built for it and torn down after every worker has stopped, and the
// description of a configuration.
#include <hybrid/runtime.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "ring.hpp"
#include "scheduler.hpp"

namespace hybrid {

unsigned default_workers() noexcept { return std::max(1u, std::thread::hardware_concurrency()); }

std::string io_uring_unavailable() { return detail::ring_unavailable_reason(); }

std::string describe_threads() {
  detail::scheduler* world = detail::scheduler::running_world();
  return world == nullptr ? std::string() : world->describe_threads();
}

namespace {
// describe_monitor(o) — "1 ms, hand-off after 10 ms (1 ms asleep in the kernel)", or why none.
std::string describe_monitor(const options& o) {
  if (o.monitor_period.count() <= 0) return "off";
  if (!detail::asymmetric_fences_available()) return "off (membarrier unavailable)";
  auto ms = [](std::chrono::microseconds d) {
    const auto us = d.count();
    return us % 1000 == 0 ? std::to_string(us / 1000) + " ms" : std::to_string(us) + " us";
  };
  return "every " + ms(o.monitor_period) + ", hand-off after " + ms(o.handoff_after) + " (" +
         ms(o.monitor_period) + " asleep in the kernel)";
}
}  // namespace

std::string describe(const options& o) {
  unsigned workers = o.workers == 0 ? default_workers() : o.workers;
  std::size_t stack =
      std::max(o.stack_size == 0 ? default_stack_size : o.stack_size, min_stack_size);
  return "workers=" + std::to_string(workers) + " stack=" + std::to_string(stack / 1024) +
         " KiB (guard page, pooled, control block on the stack) local_queue=" +
         std::to_string(local_queue_capacity) +
         " (Chase-Lev, steal half when not draining) lifo_limit=" +
         std::to_string(lifo_streak_limit) +
         " switch=direct thread-to-thread (Boost.Context fcontext) io=" +
         (o.io == io_backend::io_uring ? "io_uring (a ring per worker)" : "epoll (one netpoller)") +
         " monitor=" + describe_monitor(o) + " max_spares=" + std::to_string(o.max_spare_carriers);
}

namespace detail {

namespace {
// run_active — true while a run is in progress: runs must not nest or overlap (the workers'
// thread_local state and the SIGSEGV handler are per process).
std::atomic<bool> run_active{false};
}  // namespace

stats run_world(const options& o, void (*invoke)(void*), void* body) {
  if (run_active.exchange(true)) {
    throw std::logic_error("hybrid::run: runs must not nest or overlap");
  }
  struct reset {
    ~reset() { run_active.store(false); }
  } r;
  // The scheduler is destroyed (stacks unmapped) only after every worker has stopped.
  scheduler s(o);
  return s.run(invoke, body);
}

}  // namespace detail

}  // namespace hybrid
