// green_threads/thread.hpp — a green thread: a Boost.Fiber fiber whose exception reaches join()
// and which can be asked to stop.
//
// spawn(fn) creates a fiber in the current world (see runtime.hpp) and returns its handle.
// Boost.Fiber 1.74 calls std::terminate when an exception escapes a fiber; here the fiber's
// body catches it into a std::exception_ptr owned by the handle, and join() rethrows it.
// Cancellation is cooperative, as with std::jthread: a function that takes a std::stop_token
// receives one, and thread::request_stop() triggers it; the stoppable waits of sync.hpp and
// channel.hpp return when it does.
#pragma once

#include <boost/assert.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>

#include <chrono>
#include <concepts>
#include <exception>
#include <memory>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "detail/world.hpp"

namespace green_threads {

class thread;

// thread_function — what spawn accepts: a callable that takes nothing, or a std::stop_token
// (then it receives the token that thread::request_stop() triggers).
template <class F>
concept thread_function = std::invocable < std::decay_t<F>
& > || std::invocable<std::decay_t<F>&, std::stop_token>;

namespace detail {
// spawn_with(policy, fn) — spawn() with an explicit launch policy instead of the world's.
// For world runners: the work_stealing world posts its first fiber, so that the kernel
// thread's own (pinned, unstealable) main context never sits in front of stealable fibers
// in its ready queue. Preconditions: as spawn.
template <thread_function Fn>
thread spawn_with(boost::fibers::launch policy, Fn&& fn);

// fiber_outcome — what a fiber leaves for its handle: the exception that escaped its
// function, and the stop state it shares with the handle. Heap-allocated so that the address
// the fiber writes to survives moves of the handle. `error` is written by the fiber before it
// finishes and read by join after the fiber's join, which orders the two.
struct fiber_outcome {
  std::exception_ptr error;
  std::stop_source stop{std::nostopstate};  // a real source only for functions taking a token
};
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
    if (outcome_->error) std::rethrow_exception(std::exchange(outcome_->error, nullptr));
  }

  // request_stop() — ask the thread to stop: its std::stop_token turns stop_requested(), and
  // a stoppable wait it is blocked in returns. Cooperative: nothing is interrupted. Returns
  // false when the thread's function takes no std::stop_token (there is no stop state) or a
  // stop was already requested. Precondition: joinable(); called from a fiber of the world.
  bool request_stop() noexcept { return outcome_->stop.request_stop(); }

  // get_stop_token() — the token passed to the thread's function (an empty token when the
  // function takes none). Precondition: joinable().
  std::stop_token get_stop_token() const noexcept { return outcome_->stop.get_token(); }

 private:
  template <thread_function Fn>
  friend thread detail::spawn_with(boost::fibers::launch policy, Fn&& fn);

  thread(boost::fibers::fiber&& f, std::unique_ptr<detail::fiber_outcome> outcome) noexcept
      : fiber_(std::move(f)), outcome_(std::move(outcome)) {}

  boost::fibers::fiber fiber_;
  std::unique_ptr<detail::fiber_outcome> outcome_;
};

namespace detail {
template <thread_function Fn>
thread spawn_with(boost::fibers::launch policy, Fn&& fn) {
  using body_type = std::decay_t<Fn>;
  constexpr bool takes_token = std::is_invocable_v<body_type&, std::stop_token>;
  world* w = current_world();
  BOOST_ASSERT_MSG(w != nullptr, "green_threads::spawn called outside green_threads::run");
  auto outcome = std::make_unique<fiber_outcome>();
  if constexpr (takes_token) outcome->stop = std::stop_source();
  w->live.enter();
  try {
    boost::fibers::fiber f(policy, std::allocator_arg, w->stacks,
                           [body = body_type(std::forward<Fn>(fn)), out = outcome.get(),
                            live = &w->live]() mutable noexcept {
                             try {
                               if constexpr (takes_token) {
                                 body(out->stop.get_token());
                               } else {
                                 body();
                               }
                             } catch (...) {
                               out->error = std::current_exception();
                             }
                             live->leave();
                           });
    count_spawn();
    return thread(std::move(f), std::move(outcome));
  } catch (...) {
    w->live.leave();
    throw;
  }
}
}  // namespace detail

// spawn(fn) — create a green thread running fn() (or fn(stop_token) when fn takes one) in the
// calling thread's world and return its handle. With the default launch policy (dispatch) the
// new fiber runs at once and the caller resumes when it blocks, yields or ends; with
// launch::post it runs when the caller next blocks or yields. Throws std::bad_alloc when no
// stack can be allocated. Precondition: called from inside run() (from its body or a fiber it
// spawned).
template <thread_function Fn>
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
