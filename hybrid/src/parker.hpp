// hybrid/src/parker.hpp — puts one worker's kernel thread to sleep and wakes it: a futex on a
// three-state word (empty, parked, notified), like Rust's std::thread::park.
//
// A wake-up that arrives before the sleep is remembered (the word is left `notified`), so
// park() then returns at once: no lost wake-up between deciding to sleep and sleeping.
//
// A worker may also sleep somewhere else than the futex (park_in): in the netpoller's
// epoll_wait, or in its io_uring waiting for completions. The word then says `polling`, and
// unpark() interrupts that sleep instead of waking the futex. Which of the two the owner sleeps
// in is decided by the same compare-and-swap that publishes the sleep, so a waker always uses
// the right one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hybrid::detail {

// sleeper — somewhere other than the futex a worker can sleep and be woken from.
class sleeper {
 public:
  // sleep(timeout_ms) — until something happens there, interrupt(), or timeout_ms (-1: no
  // limit). Owner only.
  virtual void sleep(int timeout_ms) = 0;
  // interrupt() — end a sleep in progress, or make the next one return at once. Any thread.
  virtual void interrupt() noexcept = 0;

 protected:
  ~sleeper() = default;
};

class parker {
 public:
  // park(deadline) — sleep until unpark() or until steady_clock reaches deadline (time_point
  // max: no deadline). Returns true if woken by unpark (the token is consumed), false on time
  // out. Precondition: called only by the worker that owns this parker.
  bool park(std::chrono::steady_clock::time_point deadline) noexcept;

  // park_in(s, deadline) — as park, but sleeping in s: also returns when s's sleep ends by
  // itself (an event, a completion). Returns true if woken by unpark, false otherwise.
  // Precondition: as park.
  bool park_in(sleeper& s, std::chrono::steady_clock::time_point deadline);

  // unpark() — wake the owner, or make its next park() return at once. Any thread.
  void unpark() noexcept;

 private:
  static constexpr std::uint32_t empty = 0, parked = 1, notified = 2, polling = 3;
  std::atomic<std::uint32_t> state_{empty};
  // sleeper_ — where the owner sleeps while the word says `polling`; written by the owner
  // before that CAS (published by it), read by unpark after its exchange.
  std::atomic<sleeper*> sleeper_{nullptr};
};

}  // namespace hybrid::detail
