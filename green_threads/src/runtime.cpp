// green_threads/src/runtime.cpp — run(): one world on one fresh kernel thread.
#include "green_threads/runtime.hpp"

#include <exception>
#include <thread>

#include <boost/assert.hpp>
#include <boost/fiber/operations.hpp>

#include "green_threads/scheduler.hpp"
#include "green_threads/thread.hpp"

namespace green_threads {

namespace detail {

namespace {
// bound_world — the world of the calling kernel thread; written only by world_binding on the
// same thread, so it needs no synchronisation.
thread_local world* bound_world = nullptr;
}  // namespace

world* current_world() noexcept { return bound_world; }

world_binding::world_binding(world& w) noexcept {
  BOOST_ASSERT_MSG(bound_world == nullptr, "green_threads: worlds do not nest");
  bound_world = &w;
}

world_binding::~world_binding() { bound_world = nullptr; }

void run_world(const runtime_options& options, void (*invoke)(void*), void* body) {
  BOOST_ASSERT_MSG(current_world() == nullptr, "green_threads::run: runs do not nest");
  std::exception_ptr error;  // written by the world's thread, read after join
  // observation — the world's shared tracing state. An observed world installs
  // observed_round_robin; an unobserved one installs Boost's round_robin itself, so that with
  // no observer the hooks cost nothing at all, not even a branch (measured: the extra virtual
  // layer cost ~4 ns per pingpong switch, over the 2% budget).
  observation watched(options.observer);
  std::thread kernel_thread([&] {
    if (hooks_compiled && options.observer != nullptr) {
      boost::fibers::use_scheduling_algorithm<observed_round_robin>(&watched);
    } else {
      boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
    }
    world w{options.launch == launch_policy::dispatch ? boost::fibers::launch::dispatch
                                                      : boost::fibers::launch::post,
            stack_allocator(options.stack, options.stack_size),
            {}};
    world_binding binding(w);
    try {
      thread first = spawn([invoke, body] { invoke(body); });
      first.join();
    } catch (...) {
      error = std::current_exception();
    }
    w.live.wait_until_empty();
  });
  kernel_thread.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace detail

std::string describe(const runtime_options& options) {
  return "round_robin, 1 kernel thread, " +
         stack_allocator(options.stack, options.stack_size).describe() + ", launch " +
         (options.launch == launch_policy::dispatch ? "dispatch" : "post");
}

}  // namespace green_threads
