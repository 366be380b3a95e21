// green_threads/thread.hpp — a green thread: a Boost.Fiber fiber whose exception reaches join().
//
// spawn(fn) creates a fiber in the current world (see runtime.hpp) and returns its handle.
// Boost.Fiber 1.74 calls std::terminate when an exception escapes a fiber; here the fiber's
// body catches it into a std::exception_ptr owned by the handle, and join() rethrows it.
#pragma once

#include <boost/assert.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "detail/world.hpp"

namespace green_threads {

class thread;

namespace detail {
// spawn_with(policy, fn) — spawn() with an explicit launch policy instead of the world's.
// For world runners: the work_stealing adapter posts its first fiber, so that the kernel
// thread's own (pinned, unstealable) main context never sits in front of stealable fibers
// in its ready queue. Preconditions: as spawn.
template <class Fn>
thread spawn_with(boost::fibers::launch policy, Fn&& fn);
}  // namespace detail

// thread — the handle of one fiber. Movable, not copyable. Each thread must be joined exactly
// once before its handle is destroyed (destroying a joinable handle is a bug: Boost.Fiber
// calls std::terminate). A default-constructed or moved-from handle is not joinable.
class thread {
 public:
  thread() noexcept = default;
  thread(thread&&) noexcept = default;
  thread& operator=(thread&&) noexcept = default;
  ~thread() = default;

  // joinable() — true from spawn until join.
  bool joinable() const noexcept { return fiber_.joinable(); }

  // join() — block the calling fiber (not its kernel thread) until this thread has finished,
  // then rethrow the exception that escaped its body, if any. Everything the thread did
  // happens-before join returns. Precondition: joinable(), and called from a fiber of the
  // same world other than this thread itself.
  void join() {
    BOOST_ASSERT_MSG(joinable(), "green_threads::thread::join: not joinable");
    fiber_.join();
    if (*error_) std::rethrow_exception(std::exchange(*error_, nullptr));
  }

 private:
  template <class Fn>
  friend thread detail::spawn_with(boost::fibers::launch policy, Fn&& fn);

  thread(boost::fibers::fiber&& f, std::unique_ptr<std::exception_ptr> error) noexcept
      : fiber_(std::move(f)), error_(std::move(error)) {}

  boost::fibers::fiber fiber_;
  // error_ — the exception that escaped the body; written by the fiber before it finishes,
  // read by join after fiber_.join() (which orders the two). Heap-allocated so that the
  // address the fiber writes to survives moves of the handle.
  std::unique_ptr<std::exception_ptr> error_;
};

namespace detail {
template <class Fn>
thread spawn_with(boost::fibers::launch policy, Fn&& fn) {
  world* w = current_world();
  BOOST_ASSERT_MSG(w != nullptr, "green_threads::spawn called outside green_threads::run");
  auto error = std::make_unique<std::exception_ptr>();
  w->live.enter();
  try {
    boost::fibers::fiber f(policy, std::allocator_arg, w->stacks,
                           [body = std::decay_t<Fn>(std::forward<Fn>(fn)), slot = error.get(),
                            live = &w->live]() mutable noexcept {
                             try {
                               body();
                             } catch (...) {
                               *slot = std::current_exception();
                             }
                             live->leave();
                           });
    return thread(std::move(f), std::move(error));
  } catch (...) {
    w->live.leave();
    throw;
  }
}
}  // namespace detail

// spawn(fn) — create a green thread running fn() in the calling thread's world and return its
// handle. With the default launch policy (dispatch) the new fiber runs at once and the caller
// resumes when it blocks, yields or ends; with launch::post it runs when the caller next
// blocks or yields. Throws std::bad_alloc when no stack can be allocated. Precondition: called
// from inside run() (from its body or a fiber it spawned).
template <class Fn>
thread spawn(Fn&& fn) {
  detail::world* w = detail::current_world();
  BOOST_ASSERT_MSG(w != nullptr, "green_threads::spawn called outside green_threads::run");
  return detail::spawn_with(w->launch, std::forward<Fn>(fn));
}

namespace this_thread {

// yield() — let the other ready fibers of this world run; the caller goes to the back of the
// ready queue. Precondition: called from a fiber of a world (inside run()).
inline void yield() noexcept { boost::this_fiber::yield(); }

// sleep_for(d) — block the calling fiber (not its kernel thread) for at least d. Precondition:
// called from a fiber of a world.
template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  boost::this_fiber::sleep_for(d);
}

}  // namespace this_thread

}  // namespace green_threads
