// coroutines/net.hpp — TCP sockets for coroutine threads: a call that would block suspends the
// coroutine thread, never its worker.
//
// Every socket is non-blocking and registered with the run's netpoller (src/poller.hpp, one
// epoll instance per scheduler, edge-triggered). A read with no data suspends the calling thread
// on the socket; the worker resumes other threads; when data arrives, the poller (polled by
// workers that run out of work, at every fairness tick while threads wait on sockets, and by the
// one idle worker that sleeps in epoll_wait) makes the thread ready again, and it retries its
// read. The essay at the top of src/scheduler.cpp says how polling fits the workers' parking
// protocol.
//
// Every call that may wait is a coroutine returning a task: `co_await s.read_some(buf, n)`. Each
// costs one frame from the frame pool per call, and a retry loop inside it, which an awaiter
// alone could not hold (a wake-up is a hint: the call is tried again, and may wait again).
//
// Guarantees and conventions, the same as hybrid's net.hpp:
//   - Errors are std::system_error carrying errno (std::system_category()). A deadline that
//     passes is std::errc::timed_out; a call on a socket closed with close() (also one suspended
//     when close() was called, from another thread) is std::errc::operation_canceled. End of
//     file is not an error: read_some returns 0.
//   - Everything is RAII: a listener or stream owns its descriptor and closes it when destroyed,
//     on every path, exceptions included. Handles are movable, not copyable.
//   - Deadlines are std::chrono::steady_clock time points; `forever` (the default) means none
//     and costs no timer.
//   - Streams have TCP_NODELAY set: small messages go out at once.
// Preconditions of every member: called from a coroutine thread of coroutines::run, and every
// socket is destroyed before the run ends (its registration belongs to the run's poller).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "task.hpp"

namespace coroutines::detail {
struct io_desc;  // src/poller.hpp
class poller;
}  // namespace coroutines::detail

namespace coroutines::net {

using deadline = std::chrono::steady_clock::time_point;
inline constexpr deadline forever = deadline::max();

// stream — a connected TCP socket. One thread reads and one writes at a time.
class stream {
 public:
  stream() noexcept = default;
  stream(stream&& other) noexcept;
  stream& operator=(stream&& other) noexcept;
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream();

  // read_some(buf, n, d) — wait until some bytes are available, then read up to n of them.
  // Returns how many were read: 0 at end of file, never 0 otherwise (n > 0). Throws
  // std::system_error: timed_out at d, operation_canceled after close(), errno otherwise.
  task<std::size_t> read_some(void* buf, std::size_t n, deadline d = forever);
  // read_exact(buf, n, d) — read until n bytes are read or end of file. Returns the bytes read:
  // n, or fewer when the peer closed first. The deadline is for the whole call.
  task<std::size_t> read_exact(void* buf, std::size_t n, deadline d = forever);
  // write_all(buf, n, d) — write all n bytes, waiting while the socket's buffer is full.
  task<void> write_all(const void* buf, std::size_t n, deadline d = forever);
  // shutdown() — no more writes: the peer reads end of file once it has read what was sent.
  void shutdown();
  // close() — end every waiting and future call on this stream (operation_canceled) and shut
  // both directions; the descriptor is released by the destructor. Idempotent; any thread.
  void close() noexcept;
  int native_handle() const noexcept;

 private:
  friend class listener;
  friend task<stream> connect(std::string_view, std::uint16_t, deadline);
  stream(detail::poller* p, detail::io_desc* d) noexcept : poller_(p), desc_(d) {}
  detail::poller* poller_ = nullptr;
  detail::io_desc* desc_ = nullptr;
};

// listener — a listening TCP socket.
class listener {
 public:
  listener() noexcept = default;
  listener(listener&& other) noexcept;
  listener& operator=(listener&& other) noexcept;
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  ~listener();

  // bind(address, port, backlog) — listen on a numeric IPv4 or IPv6 address and port (0: a free
  // one; local_port() says which). Sets SO_REUSEADDR. Never waits. Throws std::system_error.
  static listener bind(std::string_view address, std::uint16_t port, int backlog = 4096);
  // local_port() — the port it listens on.
  std::uint16_t local_port() const;
  // accept(d) — the next connection, waiting until one arrives or d. Throws as
  // stream::read_some; EMFILE when the process is out of descriptors.
  task<stream> accept(deadline d = forever);
  // close() — stop listening and end every waiting and future accept (operation_canceled).
  void close() noexcept;
  int native_handle() const noexcept;

 private:
  listener(detail::poller* p, detail::io_desc* d) noexcept : poller_(p), desc_(d) {}
  detail::poller* poller_ = nullptr;
  detail::io_desc* desc_ = nullptr;
};

// connect(address, port, d) — a stream connected to address:port, waiting for the handshake.
// Throws std::system_error: ECONNREFUSED, timed_out at d, EINVAL for a bad address.
task<stream> connect(std::string_view address, std::uint16_t port, deadline d = forever);

}  // namespace coroutines::net
