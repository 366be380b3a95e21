// hybrid/src/parker.hpp — puts one worker's kernel thread to sleep and wakes it: a futex on a
// three-state word (empty, parked, notified), like Rust's std::thread::park.
//
// A wake-up that arrives before the sleep is remembered (the word is left `notified`), so
// park() then returns at once: no lost wake-up between deciding to sleep and sleeping.
//
// A worker may also sleep in the netpoller's epoll_wait instead of the futex (park_polling):
// the word then says `polling`, and unpark() interrupts the poll instead of waking the futex.
// Which of the two the owner sleeps in is decided by the same compare-and-swap that publishes
// the sleep, so a waker always uses the right one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "poller.hpp"

namespace hybrid::detail {

class parker {
 public:
  // park(deadline) — sleep until unpark() or until steady_clock reaches deadline (time_point
  // max: no deadline). Returns true if woken by unpark (the token is consumed), false on time
  // out. Precondition: called only by the worker that owns this parker.
  bool park(std::chrono::steady_clock::time_point deadline) noexcept;

  // park_polling(p, deadline, woken) — as park, but sleeping in p.poll: also returns when an
  // event readies a parked thread (appended to woken). Returns true if woken by unpark, false
  // on events or time out. Precondition: as park; the caller holds p's blocking poll
  // (poller::begin_blocking_poll).
  bool park_polling(poller& p, std::chrono::steady_clock::time_point deadline, ready_list& woken);

  // unpark() — wake the owner, or make its next park() return at once. Any thread.
  void unpark() noexcept;

 private:
  static constexpr std::uint32_t empty = 0, parked = 1, notified = 2, polling = 3;
  std::atomic<std::uint32_t> state_{empty};
  // poller_ — the poller the owner sleeps in while the word says `polling`; written by the owner
  // before that CAS (published by it), read by unpark after its exchange.
  std::atomic<poller*> poller_{nullptr};
};

}  // namespace hybrid::detail
