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

// spawn_n(n, fn) — spawn n threads running fn (a callable returning task<void>), each from its own
// copy of fn, and return their handles.
template <class F>
std::vector<coroutines::join_handle<void>> spawn_n(int n, const F& fn) {
  std::vector<coroutines::join_handle<void>> handles;
  for (int i = 0; i < n; ++i) handles.push_back(coroutines::spawn(fn));
  return handles;
}

// join_all(handles) — join every handle, in order.
template <class T>
coroutines::task<void> join_all(std::vector<coroutines::join_handle<T>>& handles) {
  for (auto& h : handles) co_await h;
}

}  // namespace coroutines_test
