// tests/coroutines/frame_pool_test.cpp — frames come from the pool and are reused, and a task
// says how large its frame is.
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

TEST_CASE("coroutines: frame_size says what one suspended coroutine of a function costs") {
  std::size_t small_size = 0;
  std::size_t large_size = 0;
  std::size_t largest = 0;
  const auto s = coroutines::run(coroutines_test::with_workers(1), [&]() -> task<void> {
    task<int> a = small();
    task<int> b = large();
    small_size = a.frame_size();
    large_size = b.frame_size();
    CHECK(co_await a + co_await b == 2);
    largest = large_size;
  });
  CHECK(small_size > 0);
  CHECK(large_size >= 3000);
  CHECK(small_size < large_size);
  CHECK(s.largest_frame >= largest);
}
