// kernel_threads/reactor.hpp — the classic reactor + pool server: how a fixed pool of kernel
// threads serves many connections.
//
// A pool cannot give each connection a thread of its own: with `workers` threads, a server that
// reads each connection in a blocking loop serves `workers` connections at a time and leaves the
// rest waiting in the accept queue. The reactor inverts it. One kernel thread (the reactor)
// waits in epoll for the listening socket and for every idle connection; when a connection has
// data, the reactor hands it to the pool; a worker reads what has arrived, feeds it to the
// connection's handler, writes the reply, and gives the connection back to the reactor
// (EPOLLONESHOT, re-armed). A worker serves one batch of input and returns: no thread is held by
// an idle connection, and `workers` threads serve any number of them.
//
// The handler is the protocol, one object per connection:
//   bool on_data(const char* data, std::size_t n, std::string& reply);
// fed each chunk read, appending what to send back, and returning false to close the connection
// once the reply is sent. Handlers run on pool workers, one batch at a time per connection.
//
// Cost, against a thread per connection: an extra hand-off per request (reactor → queue →
// worker), and a system call to re-arm the connection; in exchange, a few kernel threads serve
// thousands of connections. The price a handler pays: it must never wait for the next request
// (it would hold its worker); it gets bytes when they arrive and must keep its own state.
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "net.hpp"
#include "thread.hpp"
#include "thread_pool.hpp"

namespace kernel_threads {

// reactor_server<NewHandler> — serves a listener with a reactor thread and a pool, from
// construction until stop(). NewHandler: a callable returning a fresh handler for each accepted
// connection.
template <class NewHandler>
class reactor_server {
 public:
  // reactor_server(l, pool, new_handler, on_accept) — starts the reactor thread. l and pool
  // must outlive the server; on_accept (may be empty) is called on the reactor thread for each
  // accepted connection. Throws std::system_error when epoll or the thread cannot be created.
  reactor_server(net::listener& l, thread_pool& pool, NewHandler new_handler,
                 std::function<void()> on_accept = {})
      : listener_(l),
        pool_(pool),
        new_handler_(std::move(new_handler)),
        on_accept_(std::move(on_accept)) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) {
      const int e = errno;
      close_fds();
      throw std::system_error(e, std::system_category(), "kernel_threads::reactor: epoll/eventfd");
    }
    add(listener_.native_handle(), EPOLLIN, nullptr);
    add(wake_fd_, EPOLLIN, &wake_fd_);
    reactor_ = thread(thread_options{.name = "reactor"}, [this] { run(); });
  }
  reactor_server(const reactor_server&) = delete;
  reactor_server& operator=(const reactor_server&) = delete;
  ~reactor_server() {
    stop_accepting();
    if (reactor_.joinable()) reactor_.join();
    close_fds();
  }

  // stop() — stop accepting (closes the listener), let every open connection finish (their
  // peers close them), and join the reactor thread.
  void stop() {
    stop_accepting();
    reactor_.join();
  }

 private:
  using handler_type = decltype(std::declval<NewHandler&>()());

  // connection — one accepted socket and its handler. Owned by the reactor while idle (armed
  // in epoll) and by the one worker running it otherwise (EPOLLONESHOT: never both).
  struct connection {
    int fd;
    handler_type handler;
  };

  void add(int fd, std::uint32_t events, void* tag) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = tag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }

  // run() — the reactor thread: accept, and hand ready connections to the pool, until the
  // listener is closed and the last connection has ended.
  void run() {
    epoll_event events[64];
    for (;;) {
      if (!accepting_.load(std::memory_order_acquire) &&
          live_.load(std::memory_order_acquire) == 0) {
        return;
      }
      const int n = ::epoll_wait(epoll_fd_, events, 64, -1);
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &wake_fd_) {
          std::uint64_t count = 0;
          static_cast<void>(::read(wake_fd_, &count, sizeof count));
        } else if (tag == nullptr) {
          accept_all();
        } else {
          auto* c = static_cast<connection*>(tag);
          try {
            pool_.submit([this, c] { serve(c); });
          } catch (...) {  // the pool is shutting down: this connection ends here
            end(c);
          }
        }
      }
    }
  }

  // accept_all() — every connection waiting in the listen queue, registered one-shot.
  void accept_all() {
    for (;;) {
      const int fd =
          ::accept4(listener_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EINTR) {
          return;
        }
        // The listener was closed (EINVAL after its shutdown) or is failing: stop accepting.
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener_.native_handle(), nullptr);
        accepting_.store(false, std::memory_order_release);
        return;
      }
      live_.fetch_add(1, std::memory_order_acq_rel);
      auto* c = new connection{fd, new_handler_()};
      if (on_accept_) on_accept_();
      add(fd, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, c);
    }
  }

  // serve(c) — on a pool worker: read what has arrived, feed the handler, write its reply;
  // then give c back to the reactor, or end it.
  void serve(connection* c) {
    char buf[16 * 1024];
    std::string reply;
    bool keep = true;
    for (;;) {
      const ssize_t got = ::recv(c->fd, buf, sizeof buf, 0);
      if (got == 0) {
        keep = false;  // end of file
        break;
      }
      if (got < 0) {
        if (errno == EINTR) continue;
        keep = errno == EAGAIN || errno == EWOULDBLOCK;  // drained: wait for more
        break;
      }
      reply.clear();
      keep = c->handler.on_data(buf, static_cast<std::size_t>(got), reply);
      if (!reply.empty() && !write_all(c->fd, reply)) keep = false;
      if (!keep) break;
    }
    if (!keep) {
      end(c);
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.ptr = c;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);  // back to the reactor
  }

  // write_all(fd, text) — the whole reply; a full socket buffer makes the worker wait in poll
  // (it holds the connection, as a reply in progress must). False when the peer has gone.
  static bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
      if (n >= 0) {
        done += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
      } else if (errno != EINTR) {
        return false;
      }
    }
    return true;
  }

  // end(c) — close c; the last one to end after stop_accepting wakes the reactor to leave.
  void end(connection* c) {
    ::close(c->fd);  // also removes it from epoll
    delete c;
    if (live_.fetch_sub(1, std::memory_order_acq_rel) == 1) wake();
  }

  void stop_accepting() {
    listener_.close();  // the reactor's accept fails and it stops accepting
    wake();
  }

  void wake() noexcept {
    const std::uint64_t one = 1;
    static_cast<void>(::write(wake_fd_, &one, sizeof one));
  }

  void close_fds() noexcept {
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
  }

  net::listener& listener_;
  thread_pool& pool_;
  NewHandler new_handler_;
  std::function<void()> on_accept_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> accepting_{true};
  std::atomic<std::uint64_t> live_{0};  // connections accepted and not yet ended
  thread reactor_;
};

}  // namespace kernel_threads
