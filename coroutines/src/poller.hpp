// coroutines/src/poller.hpp — the netpoller: one epoll instance per scheduler, through which
// coroutine threads that wait on sockets are woken. hybrid's design (its src/poller.hpp), written
// again for a thread that is a suspended frame instead of a saved stack.
//
// A socket's descriptor is non-blocking and registered once, edge-triggered, for both
// directions. Its io_desc has one wait slot per direction, an atomic word:
//   idle     nobody waits, and no readiness is pending;
//   ready    readiness arrived while nobody waited: the next waiter retries at once;
//   a thread_control*   that thread is suspended, waiting for this direction.
// The protocol, for one slot:
//   waiter  (net.cpp, io_wait) tries the system call; on EAGAIN it takes a pending `ready`
//           (ready -> idle) and retries, or suspends: await_suspend runs once the frame is
//           suspended, so it CASes idle -> the thread itself (hybrid needs its worker to do it,
//           after the fiber's registers are saved). If the CAS finds `ready` instead (readiness
//           came in between), the thread goes on without suspending.
//   waker   (an epoll event, a timer at the waiter's deadline, or close()) CASes the slot from
//           the thread to idle and makes that thread ready. The CAS decides which waker wins;
//           the others find the slot no longer holding the thread and do nothing. With no
//           thread there, an epoll event leaves `ready`.
// A woken thread always retries its system call and checks its own deadline: a wake-up is a
// hint, never a promise.
//
// Lifetime: io_descs come from a pool the scheduler owns and are never freed during a run (a
// released one is reused), so an event that names a socket closed meanwhile touches valid
// memory, and at worst wakes its new owner spuriously.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include <coroutines/detail/thread_control.hpp>

namespace coroutines::detail {

// The values of a wait slot besides a suspended thread's control block (at least 8-aligned).
inline constexpr std::uintptr_t io_idle = 0;
inline constexpr std::uintptr_t io_ready = 1;

// io_desc — one registered socket.
struct io_desc {
  int fd = -1;
  std::atomic<std::uintptr_t> reader{io_idle};  // see the file comment
  std::atomic<std::uintptr_t> writer{io_idle};
  // closing — set by close(): every call on this descriptor fails from then on. release: pairs
  // with the acquire load of a woken waiter (net.cpp, check_open).
  std::atomic<bool> closing{false};
  io_desc* next_free = nullptr;  // the pool's free list; under the pool's mutex
};

// ready_list — the threads one poll woke, for the polling worker to make ready.
using ready_list = std::vector<thread_control*>;

class poller {
 public:
  // events_per_poll — how many events one epoll_wait may return; the rest wait for the next poll.
  // 128 keeps the array on the stack and is plenty for a few workers' worth of threads.
  static constexpr int events_per_poll = 128;

  // poller() — an epoll instance and an eventfd to interrupt its wait. Throws std::system_error
  // when the kernel refuses either.
  poller();
  ~poller();
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  // open(fd) — a descriptor for fd from the pool, registered with epoll. Throws
  // std::system_error (EPOLL_CTL_ADD failing: ENOMEM, or the user's max_user_watches).
  io_desc* open(int fd);
  // release(d) — unregister d (the caller closes its fd afterwards) and return it to the pool.
  void release(io_desc* d) noexcept;

  // poll(timeout_ms, woken) — wait up to timeout_ms (0: only look; -1: no limit) for events,
  // and take out the suspended thread of every slot they make ready, appending it to woken (the
  // caller makes them ready). Any worker; several may poll at once (epoll hands each edge to one
  // of them). Precondition: woken has capacity for 2 * events_per_poll more, so that waking
  // (noexcept) never allocates.
  void poll(int timeout_ms, ready_list& woken);
  // interrupt() — make a poll in progress (or the next one) return. Any thread.
  void interrupt() noexcept;

  // claim(slot, t) — a waker that knows which thread it wants (a timer, close()): take t out
  // of slot if it is still suspended there. Returns true when this call took it.
  bool claim(std::atomic<std::uintptr_t>& slot, thread_control* t) noexcept;

  // parked() — threads suspended on a socket now: a worker with nothing to do polls only then.
  std::uint32_t parked() const noexcept { return parked_.load(std::memory_order_seq_cst); }
  // count_parked() / uncount_parked() — a waiter counts itself before its CAS (and uncounts
  // itself when the CAS finds `ready`); the wakers uncount the threads they take out. Counting
  // first keeps the count from ever dipping below zero.
  void count_parked() noexcept { parked_.fetch_add(1, std::memory_order_seq_cst); }
  void uncount_parked() noexcept;

  // begin_blocking_poll() / end_blocking_poll() — at most one worker at a time sleeps in
  // poll(-1 or a timer's timeout): the first to ask gets true. seq_cst: the exchange is a
  // StoreLoad point with the parked() re-check that follows it (worker::take_blocking_poll),
  // against the fetch_sub and load in uncount_parked.
  bool begin_blocking_poll() noexcept {
    return !blocking_.exchange(true, std::memory_order_seq_cst);
  }
  void end_blocking_poll() noexcept { blocking_.store(false, std::memory_order_release); }
  bool someone_blocks() const noexcept { return blocking_.load(std::memory_order_acquire); }

 private:
  // wake(slot, woken) — an event's half of the protocol for one slot: a suspended thread is
  // taken out (appended to woken), else `ready` is left.
  void wake(std::atomic<std::uintptr_t>& slot, ready_list& woken) noexcept;

  int epoll_fd_ = -1;
  int interrupt_fd_ = -1;  // an eventfd, registered with data.ptr == nullptr
  // parked_ — seq_cst: read by a worker deciding whether to sleep in the poller, which must not
  // miss a thread suspended by a worker that then went idle (the count is raised before that
  // worker looks for work again).
  std::atomic<std::uint32_t> parked_{0};
  std::atomic<bool> blocking_{false};
  std::mutex pool_mutex_;
  io_desc* free_ = nullptr;    // under pool_mutex_
  std::vector<io_desc*> all_;  // every io_desc ever made; under pool_mutex_
};

}  // namespace coroutines::detail
