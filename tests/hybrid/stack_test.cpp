// tests/hybrid/stack_test.cpp — pooled stacks: reuse, size option, and the stack-overflow
// report (guard page + SIGSEGV handler), checked in a forked child.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <hybrid/runtime.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {
// recurse(n) — uses stack until it hits the guard page.
int recurse(int n) {
  volatile char frame[512];
  frame[0] = static_cast<char>(n);
  return n > 1'000'000'000 ? 0 : recurse(n + 1) + frame[0];
}

}  // namespace

TEST_CASE("stacks are reused: sequential spawns map only a few stacks") {
  // 5,000 spawns; 500 under ThreadSanitizer (support.hpp), still far above the bound checked.
  const int spawns = hybrid_test::thread_sanitizer ? 500 : 5000;
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    hybrid::stats st = hybrid::run(hybrid_test::with_workers(workers), [spawns] {
      for (int i = 0; i < spawns; ++i) hybrid::spawn([] {}).join();
    });
    CHECK(st.threads_spawned == static_cast<std::uint64_t>(spawns) + 1);
    CHECK(st.stacks_mapped < 100);
  }
}

TEST_CASE("stacks outlive a run: the next run of the same stack size maps none") {
  // 50 threads alive at once need 50 stacks; the first run maps them (or inherits them from an
  // earlier test's run), the second inherits every one, and a run with another stack size maps
  // its own.
  auto fifty = [] {
    std::vector<hybrid::thread> alive;
    for (int i = 0; i < 50; ++i) alive.push_back(hybrid::spawn([] {}));
    for (hybrid::thread& t : alive) t.join();
  };
  hybrid::options o = hybrid_test::with_workers(1);
  (void)hybrid::run(o, fifty);
  CHECK(hybrid::run(o, fifty).stacks_mapped == 0);
  o.stack_size = 128 * 1024;
  CHECK(hybrid::run(o, fifty).stacks_mapped >= 51);
  CHECK(hybrid::run(o, fifty).stacks_mapped == 0);
}

TEST_CASE("the stack size option is honoured, with a floor") {
  hybrid::options o = hybrid_test::with_workers(1);
  o.stack_size = 256 * 1024;
  CHECK(hybrid::run(o, [] {}).stack_size == 256 * 1024);
  o.stack_size = 1000;
  CHECK(hybrid::run(o, [] {}).stack_size == hybrid::min_stack_size);
  o.stack_size = 0;
  CHECK(hybrid::run(o, [] {}).stack_size == hybrid::default_stack_size);
}

TEST_CASE("a deep recursion uses a big stack when asked") {
  hybrid::options o = hybrid_test::with_workers(2);
  o.stack_size = 1024 * 1024;
  int result = 0;
  hybrid::run(o, [&] {
    hybrid::spawn([&] {
      // ~600 frames of >512 bytes: far more than 64 KiB, well within 1 MiB.
      struct local {
        static int down(int n) {
          volatile char frame[512];
          frame[0] = 1;
          return n == 0 ? 0 : down(n - 1) + frame[0];
        }
      };
      result = local::down(600);
    }).join();
  });
  CHECK(result == 600);
}

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer cannot start threads in a child forked from a multi-threaded process.
TEST_CASE("a stack overflow aborts with a message naming the thread" * doctest::skip()) {
#else
TEST_CASE("a stack overflow aborts with a message naming the thread") {
#endif
  std::string err;
  int status = 0;
  hybrid_test::run_in_child(
      [] {
        hybrid::run(hybrid_test::with_workers(2), [] {
          hybrid::spawn(hybrid::spawn_options{"deep"}, [] { recurse(0); }).join();
        });
      },
      err, status);
  CAPTURE(err);
  CHECK(WIFSIGNALED(status));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(err.find("hybrid: stack overflow in thread #") != std::string::npos);
  CHECK(err.find("(deep)") != std::string::npos);
}
