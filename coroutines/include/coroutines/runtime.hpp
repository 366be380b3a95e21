// coroutines/runtime.hpp — entering the coroutine world: coroutines::run starts M kernel workers,
// runs the body's task as the first coroutine thread, waits for it and for every thread it
// spawned, and stops.
#pragma once

#include <concepts>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>

#include "observer.hpp"
#include "scheduler.hpp"
#include "task.hpp"
#include "thread.hpp"

namespace coroutines {

// options — how one run is set up.
struct options {
  // workers — kernel threads resuming coroutine threads; 0 means default_workers().
  unsigned workers = 0;
  // observer — receives every state transition; nullptr (the default) disables tracing. It must
  // outlive the run.
  coroutines::observer* observer = nullptr;
};

// default_workers() — std::thread::hardware_concurrency(), at least 1.
unsigned default_workers() noexcept;

// describe(o) — the configuration in one line, e.g. "workers=2 frames=pooled (size classes
// 24..2056 B every 16, per-worker free lists) local_queue=256 (Chase-Lev, steal half) lifo_limit=16
// switch=stackless (symmetric transfer) io=epoll (one netpoller)".
std::string describe(const options& o);

// deadlock_error — thrown by run when every worker is idle, no timer is pending, and threads are
// still suspended: nothing can ever resume them. Their frames are not destroyed (their
// destructors could touch primitives that are gone) and stay allocated.
class deadlock_error : public std::runtime_error {
 public:
  deadlock_error(const std::string& what, std::size_t blocked)
      : std::runtime_error(what), blocked_(blocked) {}
  // blocked_threads() — how many threads were suspended forever.
  std::size_t blocked_threads() const noexcept { return blocked_; }

 private:
  std::size_t blocked_;
};

// body_function — what run accepts: a callable taking nothing and returning task<void>.
template <class F>
concept body_function = std::invocable<F&> && std::same_as<std::invoke_result_t<F&>, task<void>>;

namespace detail {
// run_world(o, start, context) — run's type-erased core (src/runtime.cpp): start(context) is
// called on worker 0 (the calling kernel thread) once the workers exist, and spawns the body.
stats run_world(const options& o, void (*start)(void*), void* context);
}  // namespace detail

// run(o, body) — run body() as a coroutine thread on o.workers kernel workers (the calling
// thread is worker 0) and return when body's task and every thread spawned from it have
// finished. An exception escaping body's task is rethrown here after that; a deadlock throws
// deadlock_error. body is called in place (not copied): its captures, the caller's locals, stay
// valid for the whole run. Calls to run do not nest and must not overlap (std::logic_error).
// Guarantee: everything the caller did before run happens-before body starts; every effect of
// every thread of the run happens-before run returns.
template <body_function Body>
stats run(const options& o, Body&& body) {
  struct context {
    Body& body;
    std::exception_ptr error;
    static task<void> first_thread(context& c) {
      try {
        co_await c.body();
      } catch (...) {
        c.error = std::current_exception();
      }
    }
  } c{body, nullptr};
  const stats s = detail::run_world(
      o, [](void* p) { spawn(context::first_thread(*static_cast<context*>(p))).detach(); }, &c);
  if (c.error) std::rethrow_exception(c.error);
  return s;
}

}  // namespace coroutines
