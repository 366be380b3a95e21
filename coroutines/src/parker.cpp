// coroutines/src/parker.cpp — the futex behind parker.hpp.
#include "parker.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

namespace coroutines::detail {

namespace {
// futex_wait(word, expected, deadline) — sleep while *word == expected, until a wake or the
// absolute CLOCK_MONOTONIC deadline (steady_clock's clock on Linux).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                const std::optional<std::chrono::steady_clock::time_point>& deadline) noexcept {
  timespec at{};
  if (deadline) {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline->time_since_epoch()).count();
    at.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    at.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  }
  // FUTEX_WAIT_BITSET takes an absolute deadline (FUTEX_WAIT a relative one).
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word),
            FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, deadline ? &at : nullptr, nullptr,
            FUTEX_BITSET_MATCH_ANY);
}
}  // namespace

bool parker::fall_asleep(std::uint32_t asleep) noexcept {
  std::uint32_t state = notified;
  // acquire: pairs with unpark's release; what the unparker did before is visible.
  if (word_.compare_exchange_strong(state, empty, std::memory_order_acquire)) return false;
  state = empty;
  if (!word_.compare_exchange_strong(state, asleep, std::memory_order_acquire)) {
    word_.store(empty, std::memory_order_relaxed);  // it was `notified`: consumed
    return false;
  }
  return true;
}

void parker::park(std::optional<std::chrono::steady_clock::time_point> deadline) noexcept {
  if (!fall_asleep(parked)) return;
  for (;;) {
    futex_wait(word_, parked, deadline);
    std::uint32_t state = notified;
    if (word_.compare_exchange_strong(state, empty, std::memory_order_acquire)) return;
    if (deadline && std::chrono::steady_clock::now() >= *deadline) {
      state = parked;
      if (word_.compare_exchange_strong(state, empty, std::memory_order_acquire)) return;
      word_.store(empty, std::memory_order_relaxed);  // notified meanwhile: consumed
      return;
    }
  }
}

void parker::park_in(std::optional<std::chrono::steady_clock::time_point> deadline,
                     ready_list& woken) noexcept {
  if (!fall_asleep(polling)) return;
  int timeout_ms = -1;
  if (deadline) {
    // epoll_wait counts whole milliseconds: rounded up, so that a timer never fires early.
    const auto left = *deadline - std::chrono::steady_clock::now();
    // At most a minute at a time (an int of milliseconds): a longer sleep returns early and the
    // worker parks again.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    timeout_ms = left <= left.zero() ? 0 : static_cast<int>(std::min<decltype(ms)>(ms, 60'000));
  }
  io_.poll(timeout_ms, woken);
  // Back: `polling`, or `notified` by an unpark (whose interrupt ended the poll or will end the
  // next one harmlessly). acquire: what the unparker did before is visible.
  word_.exchange(empty, std::memory_order_acquire);
}

void parker::unpark() noexcept {
  // release: pairs with park's and park_in's acquire.
  const std::uint32_t was = word_.exchange(notified, std::memory_order_release);
  if (was == parked) {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
              1, nullptr, nullptr, 0);
  } else if (was == polling) {
    io_.interrupt();
  }
}

}  // namespace coroutines::detail
