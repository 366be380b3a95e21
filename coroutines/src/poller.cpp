// coroutines/src/poller.cpp — epoll, the wake-up eventfd, and the wait-slot protocol (poller.hpp).
#include "poller.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace coroutines::detail {

poller::poller() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0)
    throw std::system_error(errno, std::system_category(), "coroutines: epoll_create1");
  interrupt_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (interrupt_fd_ < 0) {
    const int e = errno;
    ::close(epoll_fd_);
    throw std::system_error(e, std::system_category(), "coroutines: eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.ptr = nullptr;  // the interrupt
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, interrupt_fd_, &ev);
}

poller::~poller() {
  for (io_desc* d : all_) delete d;
  ::close(interrupt_fd_);
  ::close(epoll_fd_);
}

io_desc* poller::open(int fd) {
  io_desc* d = nullptr;
  {
    const std::lock_guard<std::mutex> hold(pool_mutex_);
    if (free_ != nullptr) {
      d = free_;
      free_ = d->next_free;
    } else {
      d = new io_desc;
      all_.push_back(d);
    }
  }
  d->fd = fd;
  d->reader.store(io_idle, std::memory_order_relaxed);
  d->writer.store(io_idle, std::memory_order_relaxed);
  // release: a waker that finds this descriptor through an event sees it reset.
  d->closing.store(false, std::memory_order_release);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = d;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    const int e = errno;
    release(d);
    throw std::system_error(e, std::system_category(), "coroutines: epoll_ctl(ADD)");
  }
  return d;
}

void poller::release(io_desc* d) noexcept {
  if (d->fd >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, d->fd, nullptr);
  d->fd = -1;
  const std::lock_guard<std::mutex> hold(pool_mutex_);
  d->next_free = free_;
  free_ = d;
}

void poller::wake(std::atomic<std::uintptr_t>& slot, ready_list& woken) noexcept {
  // acquire: pairs with the waiter's release CAS (net.cpp, io_wait): the thread's resume point
  // is written before it can be found here.
  std::uintptr_t v = slot.load(std::memory_order_acquire);
  for (;;) {
    if (v == io_ready) return;
    if (v == io_idle) {
      // release: the readiness is published for the next waiter's acquire.
      if (slot.compare_exchange_weak(v, io_ready, std::memory_order_release,
                                     std::memory_order_acquire)) {
        return;
      }
      continue;
    }
    if (slot.compare_exchange_weak(v, io_idle, std::memory_order_acq_rel,
                                   std::memory_order_acquire)) {
      uncount_parked();
      woken.push_back(reinterpret_cast<thread_control*>(v));
      return;
    }
  }
}

bool poller::claim(std::atomic<std::uintptr_t>& slot, thread_control* t) noexcept {
  auto expected = reinterpret_cast<std::uintptr_t>(t);
  // acq_rel: acquire pairs with the waiter's release CAS; release orders the claim before the
  // thread runs again.
  if (!slot.compare_exchange_strong(expected, io_idle, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
    return false;
  }
  uncount_parked();
  return true;
}

void poller::uncount_parked() noexcept {
  // The last suspended thread leaves: a worker asleep in the poller for its sake must wake up and
  // decide again (with none parked it sleeps on its futex, where the deadlock check can see the
  // run for what it is). seq_cst: see begin_blocking_poll.
  if (parked_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
      blocking_.load(std::memory_order_seq_cst)) {
    interrupt();
  }
}

void poller::poll(int timeout_ms, ready_list& woken) {
  epoll_event events[events_per_poll];
  const int n = ::epoll_wait(epoll_fd_, events, events_per_poll, timeout_ms);
  for (int i = 0; i < n; ++i) {
    auto* d = static_cast<io_desc*>(events[i].data.ptr);
    if (d == nullptr) {
      std::uint64_t count = 0;
      static_cast<void>(::read(interrupt_fd_, &count, sizeof count));  // re-arm
      continue;
    }
    const std::uint32_t e = events[i].events;
    if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) wake(d->reader, woken);
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) wake(d->writer, woken);
  }
}

void poller::interrupt() noexcept {
  const std::uint64_t one = 1;
  static_cast<void>(::write(interrupt_fd_, &one, sizeof one));
}

}  // namespace coroutines::detail
