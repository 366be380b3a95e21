// tests/coroutines/support.hpp — helpers shared by the coroutines tests.
#pragma once

#include <coroutines/runtime.hpp>
#include <coroutines/thread.hpp>

#include <initializer_list>
#include <vector>

namespace coroutines_test {

// worker_counts — every scheduler test runs at these worker counts (as hybrid's do).
inline constexpr std::initializer_list<unsigned> worker_counts = {1, 2, 4};

// with_workers(n) — options for a run with n workers.
inline coroutines::options with_workers(unsigned n) {
  coroutines::options o;
  o.workers = n;
  return o;
}

// join_all(handles) — join every handle, in order.
template <class T>
coroutines::task<void> join_all(std::vector<coroutines::join_handle<T>>& handles) {
  for (auto& h : handles) co_await h;
}

}  // namespace coroutines_test
