// green_threads/src/runtime.cpp — which world a kernel thread belongs to, and how a world's
// configuration is described. Running a world is src/scheduler.cpp.
#include "green_threads/runtime.hpp"

#include <thread>

#include <boost/assert.hpp>

#include "green_threads/detail/world.hpp"

#include "counting.hpp"

namespace green_threads {

namespace detail {

namespace {
// bound_world / bound_worker — the world of the calling kernel thread and its index there;
// written only by world_binding on the same thread, so they need no synchronisation.
thread_local world* bound_world = nullptr;
thread_local unsigned bound_worker = 0;
// spawn_counts — where count_spawn() counts on the calling kernel thread: its algorithm's
// worker_counts (count_spawns_in), or nullptr (not a world's kernel thread).
thread_local worker_counts* spawn_counts = nullptr;
}  // namespace

world* current_world() noexcept { return bound_world; }

unsigned current_worker() noexcept { return bound_worker; }

void count_spawns_in(worker_counts* c) noexcept { spawn_counts = c; }

void count_spawn() noexcept {
  if (spawn_counts != nullptr) ++spawn_counts->threads_spawned;
}

world_binding::world_binding(world& w, unsigned index) noexcept {
  BOOST_ASSERT_MSG(bound_world == nullptr, "green_threads: worlds do not nest");
  bound_world = &w;
  bound_worker = index;
}

world_binding::~world_binding() {
  bound_world = nullptr;
  bound_worker = 0;
}

}  // namespace detail

unsigned worker_count(const options& o) noexcept {
  if (o.scheduling == algorithm::round_robin) return 1;
  if (o.workers != 0) return o.workers;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores != 0 ? cores : 1;
}

std::string describe(const options& o) {
  const unsigned m = worker_count(o);
  const bool shared = o.scheduling == algorithm::work_stealing;
  std::string text =
      shared ? "work_stealing (Boost 1.74's policy; per-run registry, steals past pinned), "
             : "round_robin, ";
  text += std::to_string(m) + (m == 1 ? " kernel thread, " : " kernel threads, ");
  if (shared) {
    text += o.idle == idle_policy::spin ? "idle workers spin, " : "idle workers sleep, ";
  }
  text += stack_allocator(o.stack, o.stack_size, shared).describe();
  if (shared) text += " (mutex-guarded pool)";
  text += ", launch ";
  text += o.launch == launch_policy::dispatch ? "dispatch" : "post";
  text += ", blocking(fn) on up to " + std::to_string(o.blocking_threads) + " helper threads";
  return text;
}

}  // namespace green_threads
