// hybrid/src/parker.hpp — puts one worker's kernel thread to sleep and wakes it: a futex on a
// three-state word (empty, parked, notified), like Rust's std::thread::park.
//
// A wake-up that arrives before the sleep is remembered (the word is left `notified`), so
// park() then returns at once: no lost wake-up between deciding to sleep and sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hybrid::detail {

class parker {
 public:
  // park(deadline) — sleep until unpark() or until steady_clock reaches deadline (time_point
  // max: no deadline). Returns true if woken by unpark (the token is consumed), false on time
  // out. Precondition: called only by the worker that owns this parker.
  bool park(std::chrono::steady_clock::time_point deadline) noexcept;

  // unpark() — wake the owner, or make its next park() return at once. Any thread.
  void unpark() noexcept;

 private:
  static constexpr std::uint32_t empty = 0, parked = 1, notified = 2;
  std::atomic<std::uint32_t> state_{empty};
};

}  // namespace hybrid::detail
