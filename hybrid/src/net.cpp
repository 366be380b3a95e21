// hybrid/src/net.cpp — TCP sockets whose waits park the green thread (hybrid/net.hpp): the
// thread's side of the netpoller's wait-slot protocol (poller.hpp).
//
// With the epoll back end every call has the same shape: try the system call on the
// non-blocking descriptor; on EAGAIN wait on the slot of the direction it needs (wait_io) and
// try again. A wake-up is a hint: the call is always retried, and the deadline and close() are
// checked each time round.
//
// With the io_uring back end (options::io) a call submits the operation itself to its worker's
// ring and parks until it completes (ring_call; the protocol is in ring.hpp). One exception:
// write_all first tries a send without waiting, since one usually finds room in the buffer. Its
// descriptors are blocking and not watched by epoll. close() still works by shutting the socket
// down: the pending operation completes (end of file, or an error), and the woken thread finds
// `closing`.
#include <hybrid/net.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "poller.hpp"
#include "ring.hpp"
#include "scheduler.hpp"
#include "worker.hpp"

namespace hybrid::net {

namespace {

using detail::io_desc;

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::system_category(), std::string("hybrid::net: ") + what);
}

[[noreturn]] void fail_with(std::errc e, const char* what) {
  throw std::system_error(std::make_error_code(e), std::string("hybrid::net: ") + what);
}

// run_scheduler() — the scheduler of the calling green thread, which may be running on a
// worker or alone (after blocking(fn)). Throws outside a green thread of hybrid::run.
detail::scheduler& run_scheduler() {
  detail::carrier* c = detail::current_carrier();
  if (c == nullptr || c->current == nullptr) {
    throw std::logic_error("hybrid::net: sockets are used from green threads of hybrid::run");
  }
  return c->sched();
}

// check_open(d) — a call on a closed socket fails. acquire: pairs with close()'s release.
void check_open(const io_desc* d) {
  if (d == nullptr || d->closing.load(std::memory_order_acquire)) {
    fail_with(std::errc::operation_canceled, "closed");
  }
}

// wait_io(d, slot, why, dl) — park the calling thread on slot until readiness, close() or dl
// (all of them wake it; the caller retries and finds out which). A readiness that came while
// nobody waited is consumed instead, and the call returns at once.
void wait_io(io_desc* d, std::atomic<std::uintptr_t>& slot, detail::wait_reason why, deadline dl) {
  if (dl != forever && deadline::clock::now() >= dl) fail_with(std::errc::timed_out, "deadline");
  std::uintptr_t v = slot.load(std::memory_order_acquire);
  if (v == detail::io_ready) {
    // acq_rel: takes the readiness the poller's release published.
    slot.compare_exchange_strong(v, detail::io_idle, std::memory_order_acq_rel);
    return;
  }
  run_scheduler();  // on a green thread of a run, or throw
  detail::runtime_scope scope;
  detail::worker& w = scope.held();
  detail::thread_control* self = w.current();
  self->io_slot.store(&slot, std::memory_order_relaxed);
  self->waiting_on = why;
  self->waiting_detail = static_cast<std::uint64_t>(d->fd);
  w.park_current(detail::after_switch::io_wait, &slot, dl);
  self->waiting_on = detail::wait_reason::none;
}

// ring_call(d, why, dl, prep) — one operation through the caller's worker's ring (io_uring back
// end): prep(sqe) fills the SQE, the thread parks until the completion, and the result comes
// back (bytes, a descriptor, or -errno). Throws timed_out at dl and operation_canceled when d
// was closed meanwhile.
template <class Prep>
int ring_call(io_desc* d, detail::wait_reason why, deadline dl, Prep&& prep) {
  const bool timed = dl != forever;
  for (;;) {
    if (timed && deadline::clock::now() >= dl) fail_with(std::errc::timed_out, "deadline");
    detail::io_op op;
    {
      detail::runtime_scope scope;  // the ring is the worker's: held from submission to park
      detail::worker& w = scope.held();
      detail::ring& r = *w.io_ring();
      detail::thread_control* self = w.current();
      op.thread = self;
      io_uring_sqe* sqe = r.operation(timed);
      prep(sqe);
      ::io_uring_sqe_set_data(sqe, &op);
      if (timed) {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(dl.time_since_epoch());
        r.link_timeout(sqe, op, ns.count());
      }
      r.count_submitted();
      while (!r.submit()) w.reap_ring();  // the completion queue is full: make room first
      self->waiting_on = why;
      self->waiting_detail = static_cast<std::uint64_t>(d->fd);
      // Parks until the worker reaps the completion; the thread may resume on another worker.
      w.park_current(detail::after_switch::ring_wait, nullptr, dl);
      self->waiting_on = detail::wait_reason::none;
    }
    check_open(d);
    if (op.result == -ECANCELED && timed) fail_with(std::errc::timed_out, "deadline");
    if (op.result == -EINTR || op.result == -EAGAIN) continue;
    return op.result;
  }
}

// uses_ring() — true with the io_uring back end (fixed for the run).
bool uses_ring() { return run_scheduler().io_backend_in_use() == io_backend::io_uring; }

// socket_flags() — blocking descriptors with a ring, non-blocking ones with epoll.
int socket_flags() { return uses_ring() ? SOCK_CLOEXEC : SOCK_NONBLOCK | SOCK_CLOEXEC; }

// again(e) — the descriptor would block: wait and retry.
bool again(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

// wake_parked(p, slot) — close()'s wake-up: take out the thread parked on slot, if any, and
// make it ready on this worker.
void wake_parked(detail::poller& p, std::atomic<std::uintptr_t>& slot) noexcept {
  const std::uintptr_t v = slot.load(std::memory_order_acquire);
  if (v == detail::io_idle || v == detail::io_ready) return;
  auto* t = reinterpret_cast<detail::thread_control*>(v);
  if (p.claim(slot, t)) detail::unpark(t);
}

// close_desc(p, d) — mark d closing and wake whoever waits on it.
void close_desc(detail::poller* p, io_desc* d) noexcept {
  if (d == nullptr || d->closing.exchange(true, std::memory_order_acq_rel)) return;
  ::shutdown(d->fd, SHUT_RDWR);
  wake_parked(*p, d->reader);
  wake_parked(*p, d->writer);
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
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "hybrid::net: not a numeric IPv4 or IPv6 address: '" + host + "'");
  }
  return a;
}

// registered(fd) — fd's descriptor from the run's poller (watched by epoll unless the worker
// has a ring); fd is closed if that fails.
std::pair<detail::poller*, io_desc*> registered(int fd) {
  detail::scheduler& s = run_scheduler();
  detail::poller* p = &s.io;
  try {
    return {p, p->open(fd, s.io_backend_in_use() != io_backend::io_uring)};
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
  check_open(desc_);
  if (uses_ring()) {
    const int fd = desc_->fd;
    const int got = ring_call(desc_, detail::wait_reason::io_read, d,
                              [&](io_uring_sqe* s) { ::io_uring_prep_recv(s, fd, buf, n, 0); });
    if (got < 0) fail(-got, "recv");
    return static_cast<std::size_t>(got);
  }
  for (;;) {
    check_open(desc_);
    const ssize_t got = ::recv(desc_->fd, buf, n, 0);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (!again(errno)) fail(errno, "recv");
    wait_io(desc_, desc_->reader, detail::wait_reason::io_read, d);
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
  check_open(desc_);
  if (uses_ring()) {
    const int fd = desc_->fd;
    // A send usually finds room in the socket's buffer: try it without waiting first, and
    // submit only what is left, rather than park and switch for a send the kernel does at once.
    const ssize_t now = ::send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (now > 0) done = static_cast<std::size_t>(now);
    if (now < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) fail(errno, "send");
    while (done < n) {
      const int sent = ring_call(desc_, detail::wait_reason::io_write, d, [&](io_uring_sqe* s) {
        ::io_uring_prep_send(s, fd, static_cast<const char*>(buf) + done, n - done, MSG_NOSIGNAL);
      });
      if (sent < 0) fail(-sent, "send");
      done += static_cast<std::size_t>(sent);
    }
    return;
  }
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
    wait_io(desc_, desc_->writer, detail::wait_reason::io_write, d);
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
  const int fd = ::socket(a.family, SOCK_STREAM | socket_flags(), 0);
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
  // accepted(fd) — a stream for a new connection's descriptor.
  const auto accepted = [](int fd) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    const auto [p, desc] = registered(fd);
    return stream(p, desc);
  };
  check_open(desc_);
  if (uses_ring()) {
    const int listen_fd = desc_->fd;
    for (;;) {
      const int fd = ring_call(desc_, detail::wait_reason::io_read, d, [&](io_uring_sqe* s) {
        ::io_uring_prep_accept(s, listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      });
      if (fd >= 0) return accepted(fd);
      if (-fd != ECONNABORTED) fail(-fd, "accept");
    }
  }
  for (;;) {
    check_open(desc_);
    const int fd = ::accept4(desc_->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return accepted(fd);
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (!again(errno)) {
      check_open(desc_);  // closed meanwhile: that is the reason
      fail(errno, "accept");
    }
    wait_io(desc_, desc_->reader, detail::wait_reason::io_read, d);
  }
}

void listener::close() noexcept { close_desc(poller_, desc_); }

// ---- connect --------------------------------------------------------------------------------

stream connect(std::string_view text, std::uint16_t port, deadline d) {
  const address a = parse(text, port);
  const int fd = ::socket(a.family, SOCK_STREAM | socket_flags(), 0);
  if (fd < 0) fail(errno, "socket");
  const auto [p, desc] = registered(fd);
  stream s(p, desc);  // owns fd from here
  if (uses_ring()) {
    const int rc = ring_call(desc, detail::wait_reason::io_write, d, [&](io_uring_sqe* q) {
      ::io_uring_prep_connect(q, fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length);
    });
    if (rc < 0) fail(-rc, "connect");
  } else if (::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0) {
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
      wait_io(desc, desc->writer, detail::wait_reason::io_write, d);
    }
  }
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return s;
}

}  // namespace hybrid::net
