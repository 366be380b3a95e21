// coroutines/src/net.cpp — TCP sockets whose waits suspend the coroutine thread
// (coroutines/net.hpp): the thread's side of the netpoller's wait-slot protocol (poller.hpp).
//
// Every call has the same shape: try the system call on the non-blocking descriptor; on EAGAIN
// co_await io_wait on the slot of the direction it needs, and try again. A wake-up is a hint: the
// call is always retried, and the deadline and close() are checked each time round.
#include <coroutines/net.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <coroutines/detail/park.hpp>

#include "poller.hpp"
#include "scheduler.hpp"
#include "worker.hpp"

namespace coroutines::net {

namespace {

using detail::io_desc;

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::system_category(), std::string("coroutines::net: ") + what);
}

[[noreturn]] void fail_with(std::errc e, const char* what) {
  throw std::system_error(std::make_error_code(e), std::string("coroutines::net: ") + what);
}

// run_poller() — the netpoller of the calling coroutine thread's run. Throws outside one.
detail::poller& run_poller() {
  if (detail::current_thread() == nullptr) {
    throw std::logic_error("coroutines::net: sockets are used from coroutine threads of run");
  }
  return detail::scheduler::running()->io;
}

// check_open(d) — a call on a closed socket fails. acquire: pairs with close()'s release.
void check_open(const io_desc* d) {
  if (d == nullptr || d->closing.load(std::memory_order_acquire)) {
    fail_with(std::errc::operation_canceled, "closed");
  }
}

// again(e) — the descriptor would block: wait and retry.
bool again(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

// io_wait — `co_await io_wait(...)`: suspend the calling thread on slot until readiness, close()
// or the deadline (all of them wake it; the caller retries and finds out which). A readiness
// that came while nobody waited is taken instead, and the thread goes on without suspending.
//
// With a deadline, a timer node (in this awaiter, so in the frame) goes into the worker's timer
// heap before the slot is published; its firing wakes the thread only by taking it out of the
// slot (worker.cpp, fire_timers), so the timer and an event never both wake it. Whoever woke it,
// the thread takes its node out of the heap when it resumes (await_resume), under the heap's
// lock, which the firing also holds while it touches the node: after that, nothing refers to it.
class io_wait {
 public:
  io_wait(detail::poller& p, int fd, std::atomic<std::uintptr_t>& slot, wait_kind why,
          deadline dl) noexcept
      : poller_(p), slot_(slot), why_(why), fd_(fd) {
    timer_.deadline = dl;
  }
  io_wait(io_wait&&) = delete;

  bool await_ready() noexcept {
    std::uintptr_t v = slot_.load(std::memory_order_acquire);
    // acq_rel: takes the readiness the poller's release published.
    return v == detail::io_ready &&
           slot_.compare_exchange_strong(v, detail::io_idle, std::memory_order_acq_rel);
  }

  bool await_suspend(std::coroutine_handle<> h) noexcept {
    detail::worker* w = detail::current_worker();
    w->current()->wait_detail = static_cast<std::uint32_t>(fd_);
    detail::thread_control* self = detail::suspend_current(h, why_);
    if (timer_.deadline != forever) {
      timer_.thread = self;
      timer_.io_slot = &slot_;
      timer_.heap = &w->timers;
      w->timers.lock.lock();
      w->timers.push(&timer_);
      w->timers.lock.unlock();
    }
    poller_.count_parked();
    std::uintptr_t expected = detail::io_idle;
    // release: the resume point suspend_current wrote, for the waker's acquire. After this CAS
    // another worker may resume the thread: nothing of the frame is touched again.
    if (slot_.compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(self),
                                      std::memory_order_release, std::memory_order_acquire)) {
      return true;
    }
    // `ready` came in between: take it and go on without suspending.
    poller_.uncount_parked();
    slot_.store(detail::io_idle, std::memory_order_relaxed);
    remove_timer();
    detail::scheduler* s = detail::scheduler::running();
    s->report(self, thread_state::ready, w);
    s->report(self, thread_state::running, w);
    return false;
  }

  void await_resume() noexcept { remove_timer(); }

 private:
  void remove_timer() noexcept {
    if (timer_.heap == nullptr) return;
    auto* heap = static_cast<detail::timer_heap*>(timer_.heap);
    heap->lock.lock();
    heap->remove(&timer_);
    heap->lock.unlock();
    timer_.heap = nullptr;
  }

  detail::poller& poller_;
  std::atomic<std::uintptr_t>& slot_;
  wait_kind why_;
  int fd_;  // for the observer (wait_detail)
  detail::timer_node timer_;
};

// wait_for(d, slot, why, dl) — the retry loop's wait: timed_out once dl has passed, else io_wait.
task<void> wait_for(io_desc* d, std::atomic<std::uintptr_t>& slot, wait_kind why, deadline dl) {
  if (dl != forever && deadline::clock::now() >= dl) fail_with(std::errc::timed_out, "deadline");
  co_await io_wait(run_poller(), d->fd, slot, why, dl);
  check_open(d);
}

// wake_parked(p, slot) — close()'s wake-up: take out the thread suspended on slot, if any, and
// make it ready.
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

// parse(text, port) — a numeric IPv4 or IPv6 address; EINVAL otherwise.
address parse(std::string_view text, std::uint16_t port) {
  const std::string host(text);
  address a;
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
                            "coroutines::net: not a numeric IPv4 or IPv6 address: '" + host + "'");
  }
  return a;
}

// registered(fd) — fd's descriptor from the run's poller; fd is closed if that fails.
std::pair<detail::poller*, io_desc*> registered(int fd) {
  try {
    detail::poller* p = &run_poller();
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

task<std::size_t> stream::read_some(void* buf, std::size_t n, deadline d) {
  for (;;) {
    check_open(desc_);
    const ssize_t got = ::recv(desc_->fd, buf, n, 0);
    if (got >= 0) co_return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (!again(errno)) fail(errno, "recv");
    co_await wait_for(desc_, desc_->reader, wait_kind::readable, d);
  }
}

task<std::size_t> stream::read_exact(void* buf, std::size_t n, deadline d) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = co_await read_some(static_cast<char*>(buf) + done, n - done, d);
    if (got == 0) break;
    done += got;
  }
  co_return done;
}

task<void> stream::write_all(const void* buf, std::size_t n, deadline d) {
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
    co_await wait_for(desc_, desc_->writer, wait_kind::writable, d);
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

task<stream> listener::accept(deadline d) {
  for (;;) {
    check_open(desc_);
    const int fd = ::accept4(desc_->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      const auto [p, desc] = registered(fd);
      co_return stream(p, desc);
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (!again(errno)) {
      const int e = errno;
      check_open(desc_);  // closed meanwhile: that is the reason
      fail(e, "accept");
    }
    co_await wait_for(desc_, desc_->reader, wait_kind::readable, d);
  }
}

void listener::close() noexcept { close_desc(poller_, desc_); }

// ---- connect --------------------------------------------------------------------------------

task<stream> connect(std::string_view text, std::uint16_t port, deadline d) {
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
      co_await wait_for(desc, desc->writer, wait_kind::writable, d);
    }
  }
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  co_return s;
}

}  // namespace coroutines::net
