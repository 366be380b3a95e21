// coroutines/src/parker.cpp — the futex behind parker.hpp.
#include "parker.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

void parker::park(std::optional<std::chrono::steady_clock::time_point> deadline) noexcept {
  std::uint32_t state = notified;
  // acquire: pairs with unpark's release; what the unparker did before is visible.
  if (word_.compare_exchange_strong(state, empty, std::memory_order_acquire)) return;
  state = empty;
  if (!word_.compare_exchange_strong(state, parked, std::memory_order_acquire)) {
    word_.store(empty, std::memory_order_relaxed);  // it was `notified`: consumed
    return;
  }
  for (;;) {
    futex_wait(word_, parked, deadline);
    state = notified;
    if (word_.compare_exchange_strong(state, empty, std::memory_order_acquire)) return;
    if (deadline && std::chrono::steady_clock::now() >= *deadline) {
      state = parked;
      if (word_.compare_exchange_strong(state, empty, std::memory_order_acquire)) return;
      word_.store(empty, std::memory_order_relaxed);  // notified meanwhile: consumed
      return;
    }
  }
}

void parker::unpark() noexcept {
  // release: pairs with park's acquire.
  if (word_.exchange(notified, std::memory_order_release) == parked) {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
              1, nullptr, nullptr, 0);
  }
}

}  // namespace coroutines::detail
