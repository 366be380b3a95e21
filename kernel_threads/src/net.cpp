// kernel_threads/src/net.cpp — TCP sockets whose calls block the kernel thread (net.hpp).
#include "kernel_threads/net.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "kernel_threads/observer.hpp"

namespace kernel_threads::net {

namespace {

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::system_category(),
                          std::string("kernel_threads::net: ") + what);
}

[[noreturn]] void fail_with(std::errc e, const char* what) {
  throw std::system_error(std::make_error_code(e), std::string("kernel_threads::net: ") + what);
}

// address — a parsed IPv4 or IPv6 address with a port.
struct address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
};

address parse(std::string_view text, std::uint16_t port) {
  address a;
  const std::string host(text);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof *v4;
    a.family = AF_INET;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof *v6;
    a.family = AF_INET6;
  } else {
    throw std::system_error(
        std::make_error_code(std::errc::invalid_argument),
        "kernel_threads::net: not a numeric IPv4 or IPv6 address: '" + host + "'");
  }
  return a;
}

// remaining_ms(d) — milliseconds from now to d for poll(2), rounded up; -1 for forever.
int remaining_ms(deadline d) {
  if (d == forever) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(d - deadline::clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left.count());
}

// wait_ready(fd, events, d, closed) — poll fd until one of events, d, or close(); the kernel
// thread sleeps in poll meanwhile (reported blocked to an observer).
void wait_ready(int fd, short events, deadline d, const std::atomic<bool>& closed) {
  for (;;) {
    if (closed.load(std::memory_order_acquire)) fail_with(std::errc::operation_canceled, "closed");
    pollfd p{fd, events, 0};
    int rc = 0;
    {
      blocked_scope blocked(events == POLLIN ? wait_kind::readable : wait_kind::writable,
                            static_cast<std::uint64_t>(fd));
      rc = ::poll(&p, 1, remaining_ms(d));
    }
    if (rc > 0) return;  // ready, or an error/hang-up the next call will report
    if (rc == 0) fail_with(std::errc::timed_out, "deadline passed");
    if (errno != EINTR) fail(errno, "poll");
  }
}

void set_no_delay(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace

// ---- stream ---------------------------------------------------------------------------------

stream::stream(stream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), closed_(other.closed_.load()) {}

stream& stream::operator=(stream&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    closed_.store(other.closed_.load());
  }
  return *this;
}

stream::~stream() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t stream::read_some(void* buf, std::size_t n, deadline d) {
  for (;;) {
    // acquire: pairs with the release store in close(); a call after close() fails.
    if (closed_.load(std::memory_order_acquire)) fail_with(std::errc::operation_canceled, "closed");
    // First without waiting; only a read that would block is one (and is reported as one).
    ssize_t got = ::recv(fd_, buf, n, MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (d != forever) {
        wait_ready(fd_, POLLIN, d, closed_);
        continue;
      }
      // No deadline: the thread sleeps in recv itself, in the kernel, until data or end of file.
      blocked_scope blocked(wait_kind::readable, static_cast<std::uint64_t>(fd_));
      got = ::recv(fd_, buf, n, 0);
    }
    if (got >= 0) {
      if (got == 0 && closed_.load(std::memory_order_acquire)) {
        fail_with(std::errc::operation_canceled, "closed");  // woken by our own shutdown
      }
      return static_cast<std::size_t>(got);
    }
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
    fail(errno, "recv");
  }
}

std::size_t stream::read_exact(void* buf, std::size_t n, deadline d) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = read_some(static_cast<char*>(buf) + done, n - done, d);
    if (got == 0) break;
    done += got;
  }
  return done;
}

void stream::write_all(const void* buf, std::size_t n, deadline d) {
  std::size_t done = 0;
  while (done < n) {
    if (closed_.load(std::memory_order_acquire)) fail_with(std::errc::operation_canceled, "closed");
    const char* from = static_cast<const char*>(buf) + done;
    // MSG_NOSIGNAL: a peer that has gone is EPIPE here, not a SIGPIPE for the process. First
    // without waiting; only a write that would block is one (and is reported as one).
    ssize_t sent = ::send(fd_, from, n - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (d != forever) {
        wait_ready(fd_, POLLOUT, d, closed_);
        continue;
      }
      blocked_scope blocked(wait_kind::writable, static_cast<std::uint64_t>(fd_));
      sent = ::send(fd_, from, n - done, MSG_NOSIGNAL);
    }
    if (sent >= 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
    if (closed_.load(std::memory_order_acquire)) fail_with(std::errc::operation_canceled, "closed");
    fail(errno, "send");
  }
}

void stream::shutdown() {
  if (::shutdown(fd_, SHUT_WR) != 0 && errno != ENOTCONN) fail(errno, "shutdown");
}

void stream::close() noexcept {
  // release: pairs with the acquire loads in the calls; then shutting both directions wakes a
  // thread asleep in recv or send on this socket.
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

// ---- listener -------------------------------------------------------------------------------

listener::listener(listener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), closed_(other.closed_.load()) {}

listener& listener::operator=(listener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    closed_.store(other.closed_.load());
  }
  return *this;
}

listener::~listener() {
  if (fd_ >= 0) ::close(fd_);
}

listener listener::bind(std::string_view text, std::uint16_t port, int backlog) {
  const address a = parse(text, port);
  const int fd = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(errno, "socket");
  listener l(fd);  // owns fd from here: closed on every path out
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0) {
    fail(errno, "bind");
  }
  if (::listen(fd, backlog) != 0) fail(errno, "listen");
  return l;
}

std::uint16_t listener::local_port() const {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&s), &len) != 0) fail(errno, "getsockname");
  if (s.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&s)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&s)->sin_port);
}

stream listener::accept(deadline d) {
  for (;;) {
    if (closed_.load(std::memory_order_acquire)) fail_with(std::errc::operation_canceled, "closed");
    // The listening descriptor is non-blocking: take a waiting connection, else sleep in poll.
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      set_no_delay(fd);
      return stream(fd);
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) {
      wait_ready(fd_, POLLIN, d, closed_);
      continue;
    }
    if (closed_.load(std::memory_order_acquire)) fail_with(std::errc::operation_canceled, "closed");
    fail(errno, "accept");
  }
}

void listener::close() noexcept {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  // Wakes a thread asleep in poll on this socket: it sees closed_ and gives up.
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

// ---- connect --------------------------------------------------------------------------------

stream connect(std::string_view text, std::uint16_t port, deadline d) {
  const address a = parse(text, port);
  const int fd =
      ::socket(a.family, SOCK_STREAM | SOCK_CLOEXEC | (d == forever ? 0 : SOCK_NONBLOCK), 0);
  if (fd < 0) fail(errno, "socket");
  stream s(fd);  // owns fd from here
  int rc = 0;
  {
    blocked_scope blocked(wait_kind::writable, static_cast<std::uint64_t>(fd));
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length);
  }
  if (rc != 0 && errno == EINPROGRESS) {
    // With a deadline the socket is non-blocking: wait for the handshake, then read its result.
    const std::atomic<bool> never_closed{false};
    wait_ready(fd, POLLOUT, d, never_closed);
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) fail(error, "connect");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  } else if (rc != 0) {
    fail(errno, "connect");
  }
  set_no_delay(fd);
  return s;
}

}  // namespace kernel_threads::net
