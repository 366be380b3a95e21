// tests/conformance/coroutine_support.hpp — what the coroutine forms share
// (coroutine_forms_test.cpp, net_coroutine_forms_test.cpp): support.hpp's polls as coroutines of
// a stackless model M, using only the stackless contract (bench/model.hpp).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "support.hpp"

namespace threadlab::conformance {

// task<M, T> — the coroutine type of M's threads.
template <class M, class T = void>
using task = typename M::template task<T>;

// eventually_async<M>(condition) — eventually (support.hpp) as a coroutine: polls condition()
// until true or `patience` has passed, co_awaiting M::yield, then short sleeps, between polls.
template <class M, class Condition>
task<M, bool> eventually_async(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (unsigned polls = 0;; ++polls) {
    if (condition()) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) co_return condition();
    if (polls < 1000) {
      co_await M::yield();
    } else {
      co_await M::sleep_for(100us);
    }
  }
}

// eventually_locked<M>(mutex, condition) — eventually_async for state written under a model
// mutex: each poll of condition() holds mutex (as the stackful tests' `eventually` takes it inside
// the condition, which a plain function cannot do here: taking it is a co_await).
template <class M, class Condition>
task<M, bool> eventually_locked(typename M::mutex& mutex, Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (unsigned polls = 0;; ++polls) {
    const bool expired = std::chrono::steady_clock::now() >= deadline;
    bool holds = false;
    {
      auto lock = co_await mutex.scoped_lock();
      holds = condition();
    }
    if (holds || expired) co_return holds;
    if (polls < 1000) {
      co_await M::yield();
    } else {
      co_await M::sleep_for(100us);
    }
  }
}

// must_eventually_async<M>(condition, what) — must_eventually (support.hpp) as a coroutine: when
// condition stays false, ends the process with `what` rather than leaving the suite to hang.
template <class M, class Condition>
task<M> must_eventually_async(Condition condition, std::string_view what) {
  const bool held = co_await eventually_async<M>(std::move(condition));
  if (!held) {
    std::fprintf(stderr, "conformance: %s: %.*s within %lld ms. Aborting.\n",
                 std::string(M::name).c_str(), static_cast<int>(what.size()), what.data(),
                 static_cast<long long>(patience.count()));
    std::fflush(stderr);
    std::abort();
  }
}

}  // namespace threadlab::conformance
