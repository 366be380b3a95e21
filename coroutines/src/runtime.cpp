// coroutines/src/runtime.cpp — coroutines::run's type-erased core, describe, and what a program
// may ask the scheduler (include/coroutines/runtime.hpp, scheduler.hpp, observer.hpp).
#include <coroutines/runtime.hpp>

#include <cstddef>
#include <iterator>
#include <string>
#include <thread>

#include "scheduler.hpp"
#include "worker.hpp"

namespace coroutines {

unsigned default_workers() noexcept {
  const unsigned n = std::thread::hardware_concurrency();
  return n != 0 ? n : 1;
}

std::string describe(const options& o) {
  const unsigned workers = o.workers != 0 ? o.workers : default_workers();
  return "workers=" + std::to_string(workers) + " frames=pooled (size classes " +
         std::to_string(detail::class_bytes(0)) + ".." +
         std::to_string(detail::largest_pooled_frame) +
         " B every 16, per-worker free lists) local_queue=" + std::to_string(local_queue_capacity) +
         " (Chase-Lev, steal half) lifo_limit=" + std::to_string(lifo_streak_limit) +
         " switch=stackless (symmetric transfer) io=epoll (one netpoller)";
}

unsigned worker_id() noexcept { return detail::current_worker()->index(); }

unsigned worker_count() noexcept {
  return static_cast<unsigned>(detail::scheduler::running()->workers.size());
}

const char* to_string(thread_state s) noexcept {
  // Indexed by the enumerators' values, in their order (observer.hpp).
  static constexpr const char* names[] = {"created", "ready", "running", "blocked", "terminated"};
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(names) ? names[i] : "unknown";
}

namespace detail {
stats run_world(const options& o, void (*start)(void*), void* context) {
  scheduler s(o);
  return s.run(start, context);
}
}  // namespace detail

}  // namespace coroutines
