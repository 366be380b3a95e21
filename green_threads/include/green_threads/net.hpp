// green_threads/net.hpp — TCP sockets for fibers: a call that would block parks the fiber,
// never its kernel thread.
//
// Every socket is non-blocking and registered with the world's netpoller (src/poller.hpp, one
// epoll instance per round_robin world, edge-triggered). A read with no data parks the calling
// fiber on the socket; the kernel thread runs the other fibers; when none is ready, the
// world's scheduling algorithm waits in epoll_wait instead of sleeping on a condition
// variable, and data arriving makes the fiber ready again, which retries its read
// (src/scheduler.cpp, "Parking"). Sockets need a round_robin world: a work_stealing world has no
// poller, and using one there throws std::logic_error.
//
// Guarantees and conventions, the same in every module's net.hpp:
//   - Errors are std::system_error carrying errno (std::system_category()). A deadline that
//     passes is std::errc::timed_out; a call on a socket closed with close() (also one blocked
//     when close() was called, from another thread) is std::errc::operation_canceled. End of
//     file is not an error: read_some returns 0.
//   - Everything is RAII: a listener or stream owns its descriptor and closes it when destroyed,
//     on every path, exceptions included. Handles are movable, not copyable.
//   - Deadlines are std::chrono::steady_clock time points; `forever` (the default) means none.
//   - Streams have TCP_NODELAY set: small messages go out at once.
// Preconditions of every member: called from a fiber of a round_robin world (green_threads::run),
// and every socket is destroyed before the run ends (its registration belongs to the world's
// poller).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace green_threads::detail {
struct io_desc;  // src/poller.hpp
class poller;
}  // namespace green_threads::detail

namespace green_threads::net {

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
  std::size_t read_some(void* buf, std::size_t n, deadline d = forever);
  // read_exact(buf, n, d) — read_some until n bytes are read or end of file. Returns the bytes
  // read: n, or fewer when the peer closed first. The deadline is for the whole call.
  std::size_t read_exact(void* buf, std::size_t n, deadline d = forever);
  // write_all(buf, n, d) — write all n bytes, parking while the socket's buffer is full.
  void write_all(const void* buf, std::size_t n, deadline d = forever);
  // shutdown() — no more writes: the peer reads end of file once it has read what was sent.
  void shutdown();
  // close() — end every blocked and future call on this stream (operation_canceled) and shut
  // both directions; the descriptor is released by the destructor. Idempotent.
  void close() noexcept;
  int native_handle() const noexcept;

 private:
  friend class listener;
  friend stream connect(std::string_view, std::uint16_t, deadline);
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

  // bind(address, port, backlog) — listen on a numeric IPv4 or IPv6 address and port (0: a
  // free one; local_port() says which). Sets SO_REUSEADDR. Throws std::system_error.
  static listener bind(std::string_view address, std::uint16_t port, int backlog = 4096);
  // local_port() — the port it listens on.
  std::uint16_t local_port() const;
  // accept(d) — the next connection, parking until one arrives or d. Throws as
  // stream::read_some; EMFILE when the process is out of descriptors.
  stream accept(deadline d = forever);
  // close() — stop listening and end every blocked and future accept (operation_canceled).
  void close() noexcept;
  int native_handle() const noexcept;

 private:
  listener(detail::poller* p, detail::io_desc* d) noexcept : poller_(p), desc_(d) {}
  detail::poller* poller_ = nullptr;
  detail::io_desc* desc_ = nullptr;
};

// connect(address, port, d) — a stream connected to address:port, the handshake waited for by
// parking. Throws std::system_error: ECONNREFUSED, timed_out at d, EINVAL for a bad address.
stream connect(std::string_view address, std::uint16_t port, deadline d = forever);

}  // namespace green_threads::net
