// hybrid/src/parker.cpp — futex-based parking of a worker's kernel thread (see parker.hpp).
#include "parker.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace hybrid::detail {

namespace {
// futex_wait(word, expected, timeout) — sleep while *word == expected (nullptr: no timeout).
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                const struct timespec* timeout) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
            timeout, nullptr, 0);
}
void futex_wake_one(std::atomic<std::uint32_t>* word) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}
}  // namespace

bool parker::park(std::chrono::steady_clock::time_point deadline) noexcept {
  // acquire: pairs with the release exchange in unpark(); the waker's writes are visible.
  std::uint32_t expected = notified;
  if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire)) return true;
  expected = empty;
  if (!state_.compare_exchange_strong(expected, parked, std::memory_order_acquire)) {
    // notified between the two CASes.
    state_.store(empty, std::memory_order_relaxed);
    return true;
  }
  const bool timed = deadline != std::chrono::steady_clock::time_point::max();
  for (;;) {
    if (timed) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= decltype(left)::zero()) {
        expected = parked;
        if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire)) {
          return false;
        }
        state_.store(empty, std::memory_order_relaxed);  // was notified
        return true;
      }
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      struct timespec ts;
      ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
      futex_wait(&state_, parked, &ts);
    } else {
      futex_wait(&state_, parked, nullptr);
    }
    expected = notified;
    if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire)) return true;
    // Spurious wake-up or time-out check: loop.
  }
}

void parker::unpark() noexcept {
  // release: publishes the waker's writes; pairs with the acquire CASes in park().
  if (state_.exchange(notified, std::memory_order_release) == parked) futex_wake_one(&state_);
}

}  // namespace hybrid::detail
