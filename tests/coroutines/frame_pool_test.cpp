// tests/coroutines/frame_pool_test.cpp — frames come from the pool and are reused, and the run's
// stats say how large its frames were.
#include <doctest/doctest.h>

#include <coroutines/runtime.hpp>
#include <coroutines/thread.hpp>

#include <array>
#include <cstddef>

#include "support.hpp"

namespace {
using coroutines::task;

task<int> small() { co_return 1; }

// large() — keeps a big local across a suspension, so it lives in the frame.
task<int> large() {
  std::array<char, 3000> buffer{};
  buffer[0] = 1;
  co_await coroutines::yield();
  co_return buffer[0] + buffer[2999];
}
}  // namespace

TEST_CASE("coroutines: frames freed by finished threads are reused, not allocated again") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    constexpr int rounds = 2000;
    const auto s = coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      for (int i = 0; i < rounds; ++i) {
        auto h = coroutines::spawn(small());
        co_await h;
      }
    });
    // Each round allocates a control block and a frame; after the first rounds both come back
    // from the pool. (Without a pool every one of them would be counted from the heap.)
    CHECK(s.frames_allocated >= 2 * rounds);
    CHECK(s.frames_from_heap < s.frames_allocated / 10);
    CHECK(s.frame_bytes > 0);
  }
}

TEST_CASE("coroutines: stats say how large the run's frames were") {
  const auto only_small = coroutines::run(coroutines_test::with_workers(1),
                                          [&]() -> task<void> { CHECK(co_await small() == 1); });
  const auto with_large = coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    CHECK(co_await small() + co_await large() == 2);
  });
  // large() keeps 3,000 bytes across a suspension, so its frame holds them: past the largest
  // size class, it comes from the heap.
  CHECK(only_small.largest_frame > 0);
  CHECK(only_small.largest_frame < 3000);
  CHECK(with_large.largest_frame >= 3000);
  CHECK(with_large.frames_from_heap >= 1);
  CHECK(with_large.frame_bytes > only_small.frame_bytes);
}
