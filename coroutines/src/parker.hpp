// coroutines/src/parker.hpp — where an idle worker sleeps: a futex word with three states. An
// unpark that comes before the park is kept (the word stays `notified`), so the next park returns
// at once: the last step of the parking protocol (scheduler.cpp, P5) relies on it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace coroutines::detail {

class parker {
 public:
  // park(deadline) — owner only: sleep until unpark() or the deadline (none: no deadline).
  // acquire on every exit that consumes `notified`: pairs with unpark's release exchange.
  void park(std::optional<std::chrono::steady_clock::time_point> deadline) noexcept;
  // unpark() — anyone: wake the owner, or make its next park return at once.
  void unpark() noexcept;

 private:
  static constexpr std::uint32_t empty = 0;
  static constexpr std::uint32_t parked = 1;
  static constexpr std::uint32_t notified = 2;
  std::atomic<std::uint32_t> word_{empty};
};

}  // namespace coroutines::detail
