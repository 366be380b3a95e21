// green_threads/src/poller.hpp — the netpoller of a round_robin world: an epoll instance that
// the world's scheduling algorithm waits in when no fiber is ready, instead of a condition
// variable, so that a fiber waiting on a socket is woken by its data.
//
// Every socket is non-blocking and registered once, edge-triggered, for both directions. Its
// io_desc has, per direction, the fiber waiting (at most one: one reader, one writer) and a
// `ready` flag for readiness that came while nobody waited, all under the descriptor's
// spinlock. A fiber that gets EAGAIN takes a pending `ready` (and retries), or records itself
// and suspends with the spinlock, which Boost releases after the switch (context::suspend /
// wait_until): a waker, who must take the spinlock to find it, cannot resume it too early.
// An event, close(), or the fiber's deadline (Boost's sleep queue, through wait_until) wakes it.
// A timed wait and an event race for the same fiber as a condition variable's timed wait and a
// notify do in Boost: through the context's twstatus word (the waker CASes it from "waiting
// on this descriptor" to -1; the timer exchanges it to -2), so the fiber is scheduled once.
//
// A woken fiber always retries its system call: a wake-up is a hint. io_descs come from a pool
// the poller owns and frees only when the world ends, so an event for a socket closed meanwhile
// touches valid memory.
#pragma once

#include <cstdint>
#include <vector>

#include <boost/fiber/context.hpp>
#include <boost/fiber/detail/spinlock.hpp>

namespace green_threads::detail {

// io_desc — one registered socket.
struct io_desc {
  int fd = -1;
  boost::fibers::detail::spinlock lock;
  // Guarded by lock:
  boost::fibers::context* reader = nullptr;  // the fiber waiting to read (or accept)
  boost::fibers::context* writer = nullptr;  // the fiber waiting to write (or connect)
  bool read_ready = false;                   // readiness that came while no reader waited
  bool write_ready = false;                  // likewise for writing
  bool closing = false;          // close() was called: every wait returns, every call fails
  io_desc* next_free = nullptr;  // the pool's free list (world's kernel thread only)
};

// poll_result — how one poll ended.
struct poll_result {
  bool timed_out = false;    // nothing came before the timeout (never for timeout -1)
  bool interrupted = false;  // interrupt() was called (since the previous poll saw one)
};

class poller {
 public:
  // poller() — an epoll instance and an eventfd to interrupt its wait. Throws
  // std::system_error when the kernel refuses either.
  poller();
  ~poller();
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  // open(fd) — a descriptor for fd (non-blocking), registered. Throws std::system_error.
  io_desc* open(int fd);
  // release(d) — unregister d and return it to the pool (the caller closes the fd).
  void release(io_desc* d) noexcept;

  // wait(d, reading, deadline) — the calling fiber waits on d's direction until readiness,
  // close() or the deadline (a time_point of steady_clock; max: none). A pending readiness is
  // consumed instead. Returns in every case: the caller retries its call.
  void wait(io_desc* d, bool reading, std::chrono::steady_clock::time_point deadline);
  // close(d) — mark d closing and wake both its waiters.
  void close(io_desc* d) noexcept;

  // poll(timeout_ms) — wait up to timeout_ms (0: only look; -1: no limit) for events, and
  // schedule every fiber they make ready; says how the wait ended. Called by the world's
  // algorithm.
  poll_result poll(int timeout_ms) noexcept;
  // interrupt() — make a poll in progress (or the next one) return. Any thread.
  void interrupt() noexcept;
  // waiting() — fibers waiting on a socket now. The world's kernel thread only.
  std::uint32_t waiting() const noexcept { return waiting_; }

 private:
  // wake(d, reading) — the waker's half: schedule d's waiter for that direction, if any, else
  // leave the direction ready.
  void wake(io_desc* d, bool reading) noexcept;

  int epoll_fd_ = -1;
  int interrupt_fd_ = -1;
  std::uint32_t waiting_ = 0;  // the world's kernel thread only (N:1)
  io_desc* free_ = nullptr;
  std::vector<io_desc*> all_;
};

}  // namespace green_threads::detail
