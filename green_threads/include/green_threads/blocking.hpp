// green_threads/blocking.hpp — the N:1 model's only escape from a blocking call: run it on
// another kernel thread.
//
// A fiber that calls read() on a slow device, sleep(), or a library that waits stops its whole
// kernel thread, and with it every fiber of an N:1 world (README, "Why one blocking call stalls
// every fiber"). blocking(fn) hands fn to one of the world's helper kernel threads and parks
// only the calling fiber until fn has returned; the other fibers run meanwhile. The price: two
// kernel-thread hand-offs per call (there and back, each a futex wake-up, microseconds), and
// helpers are limited (options::blocking_threads): calls beyond that many wait their turn.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

namespace green_threads {

namespace detail {
// run_on_helper(call, state) — call(state) on a helper kernel thread of the calling fiber's
// world; returns once it has returned, having parked only the calling fiber (src/blocking.cpp).
// call must not throw. Precondition: inside green_threads::run.
void run_on_helper(void (*call)(void*) noexcept, void* state);
}  // namespace detail

// blocking(fn) — fn(), run on a helper kernel thread while the calling fiber is parked; returns
// its result and rethrows its exception in the calling fiber. fn runs exactly once, outside any
// fiber: it must not use the fiber primitives of this library. Precondition: called from a fiber
// of green_threads::run.
template <class Fn>
std::invoke_result_t<Fn&> blocking(Fn&& fn) {
  using result = std::invoke_result_t<Fn&>;
  static_assert(!std::is_reference_v<result>, "blocking(fn): fn returns a value or void");
  struct state {
    Fn& fn;
    std::exception_ptr error;
    std::conditional_t<std::is_void_v<result>, bool, std::optional<result>> value{};
  } s{fn, {}, {}};
  detail::run_on_helper(
      [](void* p) noexcept {
        auto& st = *static_cast<state*>(p);
        try {
          if constexpr (std::is_void_v<result>) {
            std::invoke(st.fn);
          } else {
            st.value.emplace(std::invoke(st.fn));
          }
        } catch (...) {
          st.error = std::current_exception();
        }
      },
      &s);
  if (s.error) std::rethrow_exception(s.error);
  if constexpr (!std::is_void_v<result>) return std::move(*s.value);
}

}  // namespace green_threads
