// hybrid/src/parker.cpp — futex-based parking of a worker's kernel thread (see parker.hpp).
#include "parker.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
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

bool parker::park_in(sleeper& s, std::chrono::steady_clock::time_point deadline) {
  sleeper_.store(&s, std::memory_order_relaxed);  // published by the CAS below
  std::uint32_t expected = notified;
  // acquire: as in park().
  if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire)) return true;
  expected = empty;
  // acq_rel: release publishes sleeper_ to unpark's acquire exchange.
  if (!state_.compare_exchange_strong(expected, polling, std::memory_order_acq_rel)) {
    state_.store(empty, std::memory_order_relaxed);  // notified between the two CASes
    return true;
  }
  int timeout_ms = -1;
  if (deadline != std::chrono::steady_clock::time_point::max()) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    timeout_ms =
        left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
  }
  s.sleep(timeout_ms);
  expected = polling;
  if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire)) return false;
  state_.store(empty, std::memory_order_relaxed);  // unparked while asleep there: consume it
  return true;
}

void parker::unpark() noexcept {
  // acq_rel: release publishes the waker's writes (pairs with the acquire CASes in park and
  // park_in); acquire sees sleeper_ as published by park_in's CAS.
  const std::uint32_t previous = state_.exchange(notified, std::memory_order_acq_rel);
  if (previous == parked) {
    futex_wake_one(&state_);
  } else if (previous == polling) {
    sleeper_.load(std::memory_order_relaxed)->interrupt();
  }
}

}  // namespace hybrid::detail
