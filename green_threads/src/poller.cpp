// green_threads/src/poller.cpp — epoll, its interrupting eventfd, and the waits (poller.hpp).
#include "poller.hpp"

#include "observing.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

namespace green_threads::detail {

namespace {
// events_per_poll — events one epoll_wait may return; the rest wait for the next poll.
constexpr int events_per_poll = 128;
// not_timed — twstatus of a fiber in an untimed wait (Boost's value for "no timeout").
constexpr std::intptr_t not_timed = 0;
// notified — twstatus after a waker won the race with the timer (Boost's value).
constexpr std::intptr_t notified = -1;
}  // namespace

poller::poller() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    throw std::system_error(errno, std::system_category(), "green_threads: epoll_create1");
  }
  interrupt_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (interrupt_fd_ < 0) {
    const int e = errno;
    ::close(epoll_fd_);
    throw std::system_error(e, std::system_category(), "green_threads: eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.ptr = nullptr;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, interrupt_fd_, &ev);
}

poller::~poller() {
  for (io_desc* d : all_) delete d;
  ::close(interrupt_fd_);
  ::close(epoll_fd_);
}

io_desc* poller::open(int fd) {
  io_desc* d = free_;
  if (d != nullptr) {
    free_ = d->next_free;
  } else {
    d = new io_desc;
    all_.push_back(d);
  }
  d->fd = fd;
  d->reader = d->writer = nullptr;
  d->read_ready = d->write_ready = d->closing = false;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = d;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    const int e = errno;
    release(d);
    throw std::system_error(e, std::system_category(), "green_threads: epoll_ctl(ADD)");
  }
  return d;
}

void poller::release(io_desc* d) noexcept {
  if (d->fd >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, d->fd, nullptr);
  d->fd = -1;
  d->next_free = free_;
  free_ = d;
}

void poller::wait(io_desc* d, bool reading, std::chrono::steady_clock::time_point deadline) {
  boost::fibers::context* self = boost::fibers::context::active();
  boost::fibers::detail::spinlock_lock lock(d->lock);
  bool& ready = reading ? d->read_ready : d->write_ready;
  boost::fibers::context*& waiter = reading ? d->reader : d->writer;
  if (ready || d->closing) {
    ready = false;  // consumed: the caller retries its call
    return;
  }
  waiter = self;
  ++waiting_;
  // For a tracer, if the world is observed: what this fiber blocks on (observing.hpp).
  pending_wait = wait_note{reading ? wait_kind::readable : wait_kind::writable,
                           static_cast<std::uint64_t>(d->fd)};
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    // release: pairs with the acquire CAS in wake (Boost's protocol for untimed waits).
    self->twstatus.store(not_timed, std::memory_order_release);
    self->suspend(lock);  // the spinlock is released once this fiber is off its stack
    return;
  }
  // A timed wait: twstatus names this descriptor until a waker claims it (CAS to `notified`)
  // or the timer does (exchange to -2, inside Boost's scheduler).
  self->twstatus.store(reinterpret_cast<std::intptr_t>(d), std::memory_order_release);
  if (!self->wait_until(deadline, lock)) {
    // Timed out: take ourselves out, unless a waker already did.
    lock.lock();
    if (waiter == self) {
      waiter = nullptr;
      --waiting_;
    }
  }
}

void poller::wake(io_desc* d, bool reading) noexcept {
  boost::fibers::detail::spinlock_lock lock(d->lock);
  boost::fibers::context*& waiter = reading ? d->reader : d->writer;
  boost::fibers::context* ctx = waiter;
  if (ctx == nullptr) {
    (reading ? d->read_ready : d->write_ready) = true;
    return;
  }
  waiter = nullptr;
  --waiting_;
  std::intptr_t expected = reinterpret_cast<std::intptr_t>(d);
  // acq_rel: as Boost's condition_variable::notify_one.
  const bool claimed =
      ctx->twstatus.compare_exchange_strong(expected, notified, std::memory_order_acq_rel) ||
      expected == not_timed;
  if (!claimed) {
    // Its timer fired first: it wakes by itself; leave the readiness for its retry.
    (reading ? d->read_ready : d->write_ready) = true;
    return;
  }
  lock.unlock();
  boost::fibers::context::active()->schedule(ctx);
}

void poller::close(io_desc* d) noexcept {
  {
    boost::fibers::detail::spinlock_lock lock(d->lock);
    if (d->closing) return;
    d->closing = true;
  }
  wake(d, true);
  wake(d, false);
}

poll_result poller::poll(int timeout_ms) noexcept {
  epoll_event events[events_per_poll];
  const int n = ::epoll_wait(epoll_fd_, events, events_per_poll, timeout_ms);
  poll_result result;
  result.timed_out = n == 0;
  for (int i = 0; i < n; ++i) {
    auto* d = static_cast<io_desc*>(events[i].data.ptr);
    if (d == nullptr) {
      std::uint64_t count = 0;
      static_cast<void>(::read(interrupt_fd_, &count, sizeof count));  // re-arm
      result.interrupted = true;
      continue;
    }
    const std::uint32_t e = events[i].events;
    if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) wake(d, true);
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) wake(d, false);
  }
  return result;
}

void poller::interrupt() noexcept {
  const std::uint64_t one = 1;
  static_cast<void>(::write(interrupt_fd_, &one, sizeof one));
}

}  // namespace green_threads::detail
