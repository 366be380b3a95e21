// tests/hybrid/support.hpp — helpers shared by the hybrid tests.
#pragma once

#include <time.h>

#include <hybrid/runtime.hpp>

#include <initializer_list>

namespace hybrid_test {

// worker_counts — every scheduler test runs at these worker counts (as marl does).
inline constexpr std::initializer_list<unsigned> worker_counts = {1, 2, 4};

// thread_sanitizer — true in ThreadSanitizer builds, where every fiber created costs TSan a
// thread state of its own (about 2 ms of system time each, measured here): tests that spawn
// thousands of threads scale down under it, keeping their shape.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool thread_sanitizer = true;
#else
inline constexpr bool thread_sanitizer = false;
#endif

// process_cpu_seconds() — the CPU time every thread of this process has used so far.
inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// with_workers(n) — options for a run with n workers and the default stack.
inline hybrid::options with_workers(unsigned n) {
  hybrid::options o;
  o.workers = n;
  return o;
}

}  // namespace hybrid_test
