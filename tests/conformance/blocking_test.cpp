// tests/conformance/blocking_test.cpp — M::blocking(fn) on every model: fn runs exactly once and
// its exception reaches the caller, and a thread inside a blocking call does not stop the others
// (the body, here) from running, whatever the model does to achieve it: a kernel thread blocks
// alone, a fiber model moves the call to another kernel thread.
//
// The blocking call is poll(2) on a pipe that only the body writes to, with a timeout: a model
// that stalls the body while the call waits fails a CHECK after `patience`, instead of hanging.
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

// readable_within(fd, t) — a blocking poll(2): the kernel holds the calling kernel thread.
bool readable_within(int fd, std::chrono::milliseconds t) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(t.count())) == 1;
}

TEST_CASE_TEMPLATE_DEFINE("blocking: fn runs exactly once, its exception reaches the caller", M,
                          blocking_runs_once) {
  for_each_worker_count<M>("blocking runs fn once", [](const run_options& options) {
    int calls = 0;
    std::string error;
    bool rejoined = false;
    M::run(options, [&] {
      M::blocking([&] { ++calls; });
      try {
        M::blocking([&] {
          ++calls;
          throw std::runtime_error("from fn");
        });
      } catch (const std::runtime_error& e) {
        error = e.what();
      }
      // The thread goes on as a thread of the model: it can spawn and join.
      auto t = M::spawn([&] { rejoined = true; });
      t.join();
    });
    CHECK(calls == 2);
    CHECK(error == "from fn");
    CHECK(rejoined);
  });
}
TEST_CASE_TEMPLATE_APPLY(blocking_runs_once, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("blocking: a thread waiting in a blocking call does not stop the others",
                          M, blocking_leaves_others_running) {
  for_each_worker_count<M>("blocking leaves others running", [](const run_options& options) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    bool readable = false;
    bool started_seen = false;
    M::run(options, [&] {
      std::atomic<bool> started{false};
      auto waiter = M::spawn([&] {
        readable = M::blocking([&] {
          started.store(true, std::memory_order_release);
          return readable_within(fds[0], patience);
        });
      });
      // The body writes once the call is under way; it runs at all only if the model did not
      // stall it behind the call.
      started_seen = eventually<M>([&] { return started.load(std::memory_order_acquire); });
      if (started_seen) REQUIRE(::write(fds[1], "x", 1) == 1);
      waiter.join();
    });
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(started_seen);
    CHECK(readable);
  });
}
TEST_CASE_TEMPLATE_APPLY(blocking_leaves_others_running, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
