// hybrid/src/poller.hpp — the netpoller: one epoll instance per scheduler, through which green
// threads that wait on sockets are woken (Go's netpoll, in our own design).
//
// A socket's descriptor is non-blocking and registered once, edge-triggered, for both
// directions. Its io_desc (Go's pollDesc) has one wait slot per direction, an atomic word:
//   idle     nobody waits, and no readiness is pending;
//   ready    readiness arrived while nobody waited: the next waiter retries at once;
//   a thread_control*   that thread is parked, waiting for this direction.
// The protocol, for one slot:
//   waiter  (hybrid/src/net.cpp) tries the system call; on EAGAIN, takes a pending `ready`
//           (ready → idle) and retries, or parks: after its context is saved, its worker
//           CASes the slot idle → the thread (worker.cpp, after_switch::io_wait). If the CAS
//           finds `ready` instead (readiness came in between), the thread is made ready at once.
//   waker   (an epoll event, a timer at the waiter's deadline, or close()) CASes the slot from
//           the thread to idle and makes that thread ready. The CAS decides which waker wins;
//           the others find the slot no longer holding the thread and do nothing. With no
//           thread parked, an epoll event leaves `ready`.
// A woken thread always retries its system call, and checks its own deadline: a wake-up is a
// hint, never a promise. That is what makes a late timer harmless: its CAS can wake the thread
// from a later wait on the same slot, which then retries and parks again.
//
// Lifetime: io_descs come from a pool the scheduler owns and are never freed during a run (a
// released one is reused), so an event or a timer that names a socket closed meanwhile touches
// valid memory, and at worst wakes its new owner spuriously.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <hybrid/detail/thread_safety.hpp>

#include "os_mutex.hpp"

namespace hybrid::detail {

struct thread_control;

// The values of a wait slot besides a parked thread's control block.
inline constexpr std::uintptr_t io_idle = 0;
inline constexpr std::uintptr_t io_ready = 1;

// io_desc — one registered socket.
struct io_desc {
  int fd = -1;
  std::atomic<std::uintptr_t> reader{io_idle};  // see the file comment
  std::atomic<std::uintptr_t> writer{io_idle};
  // closing — set by close(): every wait on this descriptor fails from then on. release:
  // pairs with the acquire load of a woken waiter (net.cpp).
  std::atomic<bool> closing{false};
  bool watched = false;          // registered with epoll (false with the io_uring back end)
  io_desc* next_free = nullptr;  // the pool's free list; guarded by the pool's mutex
};

// ready_list — the threads one poll woke, for the polling worker to make ready.
using ready_list = std::vector<thread_control*>;

class poller {
 public:
  // poller() — an epoll instance and an eventfd to interrupt its wait. Throws std::system_error
  // when the kernel refuses either.
  poller();
  ~poller();
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  // open(fd, watch) — a descriptor for fd from the pool, registered with epoll when watch (the
  // io_uring back end does not watch: its operations complete by themselves). Throws
  // std::system_error (EPOLL_CTL_ADD failing: ENOMEM, or the user's max_user_watches).
  io_desc* open(int fd, bool watch = true);
  // release(d) — unregister d (the caller closes its fd afterwards) and return it to the pool.
  void release(io_desc* d) noexcept;

  // poll(timeout_ms, woken) — wait up to timeout_ms (0: only look; -1: no limit) for events,
  // and wake the parked thread of every slot they make ready, appending it to woken. Returns
  // true when interrupt() ended the wait. Any worker; several may poll at once (epoll hands
  // each edge to one of them).
  bool poll(int timeout_ms, ready_list& woken);
  // interrupt() — make a poll(-1) in progress (or the next one) return. Any thread.
  void interrupt() noexcept;

  // wake(slot, woken) — the waker's half of the protocol for one slot: a parked thread is taken
  // out (appended to woken), else `ready` is left. Any thread.
  void wake(std::atomic<std::uintptr_t>& slot, ready_list& woken) noexcept;
  // claim(slot, t) — a waker that knows which thread it wants (a timer, close()): take t out
  // of slot if it is still parked there. Returns true when this call took it.
  bool claim(std::atomic<std::uintptr_t>& slot, thread_control* t) noexcept;

  // parked() — threads parked on a socket now: a worker with nothing to do polls only then.
  std::uint32_t parked() const noexcept { return parked_.load(std::memory_order_seq_cst); }
  // count_parked() / uncount_parked() — the worker parking a thread on a slot counts it before
  // its CAS (and uncounts it when the CAS finds `ready`); wake and claim uncount the threads
  // they take out. Counting first keeps the count from ever dipping below zero.
  void count_parked() noexcept { parked_.fetch_add(1, std::memory_order_seq_cst); }
  void uncount_parked() noexcept;

  // begin_blocking_poll() / end_blocking_poll() — at most one worker at a time blocks in
  // poll(-1 or a timer's timeout): the first to ask gets true.
  // seq_cst: the exchange is a StoreLoad point with the parked() re-check that follows it in
  // worker::take_blocking_poll, against the fetch_sub and load in uncount_parked.
  bool begin_blocking_poll() noexcept {
    return !blocking_.exchange(true, std::memory_order_seq_cst);
  }
  void end_blocking_poll() noexcept { blocking_.store(false, std::memory_order_release); }
  bool someone_blocks() const noexcept { return blocking_.load(std::memory_order_acquire); }

 private:
  int epoll_fd_ = -1;
  int interrupt_fd_ = -1;  // an eventfd, registered with data.ptr == nullptr
  // parked_ — seq_cst: read by a worker deciding whether to poll before it sleeps, which must
  // not miss a thread parked by a worker that then went idle (the count is raised before the
  // parking worker looks for work again).
  std::atomic<std::uint32_t> parked_{0};
  std::atomic<bool> blocking_{false};
  os_mutex pool_mutex_;
  io_desc* free_ HYBRID_GUARDED_BY(pool_mutex_) = nullptr;
  std::vector<io_desc*> all_ HYBRID_GUARDED_BY(pool_mutex_);  // every io_desc ever made
};

}  // namespace hybrid::detail
