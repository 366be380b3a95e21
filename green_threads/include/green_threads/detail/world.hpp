// green_threads/detail/world.hpp — what spawn() needs to know about the world it runs in.
//
// Not part of the public interface: included by thread.hpp (spawn is a template). A
// work_stealing world binds every one of its kernel threads to one shared world, so that spawn,
// thread, channel and sync work unchanged over M kernel threads (src/scheduler.cpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/policy.hpp>

#include "../stack.hpp"

namespace green_threads::detail {

class poller;       // src/poller.hpp
class helper_pool;  // src/helper_pool.hpp

// census — counts the fibers of one world that have been spawned and have not yet finished,
// so that run() can wait for all of them, joined or not. May be used from any kernel thread of
// the world; wait_until_empty() blocks the calling fiber, not its kernel thread.
class census {
 public:
  // enter() — called by spawn before the fiber exists.
  void enter() noexcept {
    // relaxed: the count is read only by wait_until_empty, after a leave() that publishes it.
    live_.fetch_add(1, std::memory_order_relaxed);
  }
  // leave() — called by each fiber as the last thing its body does (also by spawn when the
  // fiber could not be created).
  void leave() noexcept {
    // acq_rel: release publishes the fiber's effects; pairs with the acquire load in
    // wait_until_empty's predicate. acquire orders this after every earlier leave().
    if (live_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Notify under the mutex: the waiter checks the count under it, so the notification
      // cannot fall between its check and its wait (no lost wake-up).
      std::lock_guard guard(mutex_);
      emptied_.notify_all();
    }
  }
  // wait_until_empty() — block the calling fiber until every entered fiber has left.
  void wait_until_empty() {
    std::unique_lock lock(mutex_);
    // acquire: pairs with the release in leave().
    emptied_.wait(lock, [this] { return live_.load(std::memory_order_acquire) == 0; });
  }

 private:
  std::atomic<std::size_t> live_{0};
  boost::fibers::mutex mutex_;
  boost::fibers::condition_variable emptied_;  // notified under mutex_ when live_ reaches 0
};

// world — how fibers are launched in one world, and who is still alive in it. Owned by the
// function that runs the world (src/scheduler.cpp); it outlives every fiber of the world
// because that function waits on `live` before destroying it.
struct world {
  boost::fibers::launch launch = boost::fibers::launch::dispatch;
  green_threads::stack_allocator stacks;
  unsigned workers = 1;  // kernel threads running the world's fibers
  census live;
  poller* io = nullptr;            // the netpoller of a round_robin world; none for work_stealing
  helper_pool* helpers = nullptr;  // the kernel threads that run blocking(fn) calls
};

// current_world() — the world bound to the calling kernel thread, or nullptr outside run().
world* current_world() noexcept;

// current_worker() — the index of the calling kernel thread in its world (0 for N:1).
unsigned current_worker() noexcept;

// count_spawn() — one more fiber spawned on the calling kernel thread, counted by its
// scheduling algorithm (stats::threads_spawned; src/counting.hpp): a plain increment.
void count_spawn() noexcept;

// world_binding — binds `w` to the calling kernel thread, as its worker `index`, for the
// binding's lifetime (RAII). Precondition: no world is bound to the calling kernel thread
// (runs do not nest).
class world_binding {
 public:
  world_binding(world& w, unsigned index) noexcept;
  ~world_binding();
  world_binding(const world_binding&) = delete;
  world_binding& operator=(const world_binding&) = delete;
};

}  // namespace green_threads::detail
