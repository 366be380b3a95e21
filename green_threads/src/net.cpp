// green_threads/src/net.cpp — TCP sockets whose waits park the fiber (green_threads/net.hpp): the
// fiber's side of the world's netpoller (poller.hpp).
//
// Every call has the same shape: try the system call on the non-blocking descriptor; on EAGAIN
// wait on the slot of the direction it needs (wait_io) and try again. A wake-up is a hint: the
// call is always retried, and the deadline and close() are checked each time round.
#include <green_threads/net.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include <green_threads/detail/world.hpp>

#include "poller.hpp"

namespace green_threads::net {

namespace {

using detail::io_desc;

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::system_category(),
                          std::string("green_threads::net: ") + what);
}

[[noreturn]] void fail_with(std::errc e, const char* what) {
  throw std::system_error(std::make_error_code(e), std::string("green_threads::net: ") + what);
}

// world_poller() — the netpoller of the calling fiber's world.
detail::poller* world_poller() {
  detail::world* w = detail::current_world();
  if (w == nullptr) {
    throw std::logic_error(
        "green_threads::net: sockets are used from fibers of green_threads::run");
  }
  if (w->io == nullptr) {
    throw std::logic_error(
        "green_threads::net: sockets need a round_robin world (a "
        "work_stealing world has no netpoller)");
  }
  return w->io;
}

// check_open(d) — a call on a closed socket fails.
void check_open(io_desc* d) {
  bool closing = d == nullptr;
  if (!closing) {
    boost::fibers::detail::spinlock_lock lock(d->lock);
    closing = d->closing;
  }
  if (closing) fail_with(std::errc::operation_canceled, "closed");
}

// wait_io(p, d, reading, dl) — park the calling fiber until d is ready that way, closed, or dl;
// the caller retries its call and finds out which.
void wait_io(detail::poller* p, io_desc* d, bool reading, deadline dl) {
  if (dl != forever && deadline::clock::now() >= dl) fail_with(std::errc::timed_out, "deadline");
  p->wait(d, reading, dl);
}

// again(e) — the descriptor would block: wait and retry.
bool again(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

// close_desc(p, d) — mark d closing, shut both directions, wake whoever waits on it.
void close_desc(detail::poller* p, io_desc* d) noexcept {
  if (d == nullptr) return;
  ::shutdown(d->fd, SHUT_RDWR);
  p->close(d);
}

// release(p, d) — unregister and close d's descriptor.
void release(detail::poller* p, io_desc* d) noexcept {
  if (d == nullptr) return;
  const int fd = d->fd;
  p->release(d);
  ::close(fd);
}

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
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof *v6;
    a.family = AF_INET6;
  } else {
    throw std::system_error(
        std::make_error_code(std::errc::invalid_argument),
        "green_threads::net: not a numeric IPv4 or IPv6 address: '" + host + "'");
  }
  return a;
}

// registered(fd) — fd (non-blocking) registered with the world's poller; fd is closed if that
// fails.
std::pair<detail::poller*, io_desc*> registered(int fd) {
  detail::poller* p = nullptr;
  try {
    p = world_poller();
  } catch (...) {
    ::close(fd);
    throw;
  }
  try {
    return {p, p->open(fd)};
  } catch (...) {
    ::close(fd);
    throw;
  }
}

}  // namespace

// ---- stream ---------------------------------------------------------------------------------

stream::stream(stream&& other) noexcept
    : poller_(std::exchange(other.poller_, nullptr)), desc_(std::exchange(other.desc_, nullptr)) {}

stream& stream::operator=(stream&& other) noexcept {
  if (this != &other) {
    release(poller_, desc_);
    poller_ = std::exchange(other.poller_, nullptr);
    desc_ = std::exchange(other.desc_, nullptr);
  }
  return *this;
}

stream::~stream() { release(poller_, desc_); }

int stream::native_handle() const noexcept { return desc_ ? desc_->fd : -1; }

std::size_t stream::read_some(void* buf, std::size_t n, deadline d) {
  for (;;) {
    check_open(desc_);
    const ssize_t got = ::recv(desc_->fd, buf, n, 0);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (!again(errno)) fail(errno, "recv");
    wait_io(poller_, desc_, true, d);
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
    check_open(desc_);
    // MSG_NOSIGNAL: a peer that has gone is EPIPE here, not a SIGPIPE for the process.
    const ssize_t sent =
        ::send(desc_->fd, static_cast<const char*>(buf) + done, n - done, MSG_NOSIGNAL);
    if (sent >= 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    if (errno == EINTR) continue;
    if (!again(errno)) fail(errno, "send");
    wait_io(poller_, desc_, false, d);
  }
}

void stream::shutdown() {
  check_open(desc_);
  if (::shutdown(desc_->fd, SHUT_WR) != 0 && errno != ENOTCONN) fail(errno, "shutdown");
}

void stream::close() noexcept { close_desc(poller_, desc_); }

// ---- listener -------------------------------------------------------------------------------

listener::listener(listener&& other) noexcept
    : poller_(std::exchange(other.poller_, nullptr)), desc_(std::exchange(other.desc_, nullptr)) {}

listener& listener::operator=(listener&& other) noexcept {
  if (this != &other) {
    release(poller_, desc_);
    poller_ = std::exchange(other.poller_, nullptr);
    desc_ = std::exchange(other.desc_, nullptr);
  }
  return *this;
}

listener::~listener() { release(poller_, desc_); }

int listener::native_handle() const noexcept { return desc_ ? desc_->fd : -1; }

listener listener::bind(std::string_view text, std::uint16_t port, int backlog) {
  const address a = parse(text, port);
  const int fd = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(errno, "socket");
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0 ||
      ::listen(fd, backlog) != 0) {
    const int e = errno;
    ::close(fd);
    fail(e, "bind/listen");
  }
  const auto [p, d] = registered(fd);
  return listener(p, d);
}

std::uint16_t listener::local_port() const {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (desc_ == nullptr || ::getsockname(desc_->fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) {
    fail(desc_ ? errno : EBADF, "getsockname");
  }
  if (s.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&s)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&s)->sin_port);
}

stream listener::accept(deadline d) {
  for (;;) {
    check_open(desc_);
    const int fd = ::accept4(desc_->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      const auto [p, desc] = registered(fd);
      return stream(p, desc);
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (!again(errno)) {
      check_open(desc_);  // closed meanwhile: that is the reason
      fail(errno, "accept");
    }
    wait_io(poller_, desc_, true, d);
  }
}

void listener::close() noexcept { close_desc(poller_, desc_); }

// ---- connect --------------------------------------------------------------------------------

stream connect(std::string_view text, std::uint16_t port, deadline d) {
  const address a = parse(text, port);
  const int fd = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(errno, "socket");
  const auto [p, desc] = registered(fd);
  stream s(p, desc);  // owns fd from here
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0) {
    if (errno != EINPROGRESS) fail(errno, "connect");
    // The handshake completes (or fails) when the socket becomes writable.
    for (;;) {
      int error = 0;
      socklen_t len = sizeof error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
      if (error != 0 && error != EINPROGRESS) fail(error, "connect");
      // Connected once the peer's address is known.
      sockaddr_storage peer{};
      socklen_t plen = sizeof peer;
      if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0) break;
      check_open(desc);
      wait_io(p, desc, false, d);
    }
  }
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return s;
}

}  // namespace green_threads::net
