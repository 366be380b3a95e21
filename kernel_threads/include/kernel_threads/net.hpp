// kernel_threads/net.hpp — TCP sockets for kernel threads: blocking calls, which is the 1:1
// model.
//
// A thread that reads a socket with no data sleeps in the kernel (the socket's wait queue) until
// data arrives; the kernel runs the other threads meanwhile. That is all the 1:1 model needs:
// no poller, no non-blocking descriptors. The other modules' net.hpp have the same shape
// (listener, stream, connect, a deadline on every blocking call) over a netpoller of their own.
//
// Guarantees and conventions, the same in every module:
//   - Errors are std::system_error carrying errno (std::system_category()). A deadline that
//     passes is std::errc::timed_out; a call on a socket closed with close() (also one blocked
//     when close() was called, from another thread) is std::errc::operation_canceled. End of
//     file is not an error: read_some returns 0.
//   - Everything is RAII: a listener or stream owns its descriptor and closes it when destroyed,
//     on every path, exceptions included. Handles are movable, not copyable.
//   - Deadlines are std::chrono::steady_clock time points; `forever` (the default) means none.
//   - Streams have TCP_NODELAY set: small messages go out at once (no Nagle delay), as request
//     and response protocols want.
// How a blocking call waits here: it first tries without waiting (MSG_DONTWAIT); when that
// would block, with no deadline it sleeps in the system call itself (recv, send, connect sleep
// in the kernel), with one in poll(2) for the remaining time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kernel_threads::net {

using deadline = std::chrono::steady_clock::time_point;
inline constexpr deadline forever = deadline::max();

// stream — a connected TCP socket. Every member may be called from any thread; one thread
// reads and one writes at a time (two readers would interleave their bytes).
class stream {
 public:
  stream() noexcept = default;
  // stream(fd) — takes ownership of a connected socket (blocking mode).
  explicit stream(int fd) noexcept : fd_(fd) {}
  stream(stream&& other) noexcept;
  stream& operator=(stream&& other) noexcept;
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream();

  // read_some(buf, n, d) — wait until some bytes are available, then read up to n of them.
  // Returns how many were read: 0 at end of file (the peer shut down its side), never 0
  // otherwise (n > 0). Throws std::system_error: timed_out at d, operation_canceled after
  // close(), errno otherwise (ECONNRESET...).
  std::size_t read_some(void* buf, std::size_t n, deadline d = forever);
  // read_exact(buf, n, d) — read_some until n bytes are read or end of file. Returns the bytes
  // read: n, or fewer when the peer closed first. The deadline is for the whole call.
  std::size_t read_exact(void* buf, std::size_t n, deadline d = forever);
  // write_all(buf, n, d) — write all n bytes, waiting for room as needed. Throws as
  // read_some (EPIPE / ECONNRESET when the peer has gone).
  void write_all(const void* buf, std::size_t n, deadline d = forever);
  // shutdown() — no more writes: the peer reads end of file once it has read what was sent.
  void shutdown();
  // close() — end every blocked and future call on this stream (operation_canceled) and shut
  // both directions. The descriptor itself is released by the destructor, once no thread
  // uses the stream any more. Idempotent; any thread.
  void close() noexcept;
  // native_handle() — the descriptor, -1 for an empty handle.
  int native_handle() const noexcept { return fd_; }

 private:
  int fd_ = -1;
  std::atomic<bool> closed_{false};
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

  // bind(address, port, backlog) — listen on address ("127.0.0.1", "::1", or "0.0.0.0" for
  // every interface) and port (0: a free one the kernel picks; local_port() says which). Sets
  // SO_REUSEADDR. Throws std::system_error (EADDRINUSE, EACCES, EINVAL for a bad address).
  static listener bind(std::string_view address, std::uint16_t port, int backlog = 4096);

  // local_port() — the port it listens on.
  std::uint16_t local_port() const;
  // accept(d) — the next connection, waiting for one until d. Throws as stream::read_some;
  // EMFILE when the process is out of descriptors.
  stream accept(deadline d = forever);
  // close() — stop listening and end every blocked and future accept (operation_canceled).
  // The descriptor is released by the destructor. Idempotent; any thread.
  void close() noexcept;
  int native_handle() const noexcept { return fd_; }

 private:
  explicit listener(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;  // non-blocking, so that accept can wait in poll and notice close()
  std::atomic<bool> closed_{false};
};

// connect(address, port, d) — a stream connected to address:port, established before d.
// Throws std::system_error: ECONNREFUSED, timed_out at d, EINVAL for a bad address.
stream connect(std::string_view address, std::uint16_t port, deadline d = forever);

}  // namespace kernel_threads::net
