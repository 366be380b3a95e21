// tests/hybrid/support.hpp — helpers shared by the hybrid tests.
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hybrid/runtime.hpp>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

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

// run_in_child(fn, err, status) — run fn in a forked child; capture its stderr and status.
template <class F>
void run_in_child(F fn, std::string& err, int& status) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child reports only through stderr and its exit status: no doctest output, and the
    // default action for SIGABRT (doctest installs a crash reporter).
    ::signal(SIGABRT, SIG_DFL);
    std::freopen("/dev/null", "w", stdout);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    fn();
    std::_Exit(0);
  }
  ::close(fds[1]);
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, &status, 0);
}
}  // namespace hybrid_test
