// coroutines/src/parker.hpp — where an idle worker sleeps: a futex word with four states, or, for
// the one worker that sleeps in the netpoller, epoll_wait (park_in). An unpark that comes before
// the park is kept (the word stays `notified`), so the next park returns at once: the last step of
// the parking protocol (scheduler.cpp, P5) relies on it. An unpark of a worker asleep in the
// poller interrupts the poll (its eventfd) instead of waking the futex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "poller.hpp"

namespace coroutines::detail {

class parker {
 public:
  // parker(io) — io: the run's netpoller, which park_in sleeps in and unpark interrupts.
  explicit parker(poller& io) noexcept : io_(io) {}

  // park(deadline) — owner only: sleep until unpark() or the deadline (none: no deadline).
  // acquire on every exit that consumes `notified`: pairs with unpark's release exchange.
  void park(std::optional<std::chrono::steady_clock::time_point> deadline) noexcept;
  // park_in(deadline, woken) — owner only: as park, but asleep in the netpoller: returns on an
  // unpark, the deadline, or socket events, whose threads it appends to woken. Precondition: the
  // caller holds the blocking poll (poller::begin_blocking_poll).
  void park_in(std::optional<std::chrono::steady_clock::time_point> deadline,
               ready_list& woken) noexcept;
  // unpark() — anyone: wake the owner, or make its next park return at once.
  void unpark() noexcept;

 private:
  static constexpr std::uint32_t empty = 0;
  static constexpr std::uint32_t parked = 1;
  static constexpr std::uint32_t notified = 2;
  static constexpr std::uint32_t polling = 3;  // asleep in io_.poll
  // fall_asleep(asleep) — the start of park and park_in: consume a pending `notified` (false: do
  // not sleep), or record `asleep` (parked or polling) for unpark to see.
  bool fall_asleep(std::uint32_t asleep) noexcept;
  std::atomic<std::uint32_t> word_{empty};
  poller& io_;
};

}  // namespace coroutines::detail
