// bench/workloads/net_support.hpp — what the network workloads (echo, http) share: a server
// written once against the model contract's sockets, the load generator run as a process of its
// own, and the descriptor limit; and the server's coroutine form.
//
// The server. A workload describes its protocol as a class with one member,
//   bool on_data(const char* data, std::size_t n, std::string& reply);
// fed every chunk of bytes a connection receives, appending what to send back to `reply`, and
// returning false to close the connection once the reply is sent. server<M> runs it: by default
// a thread of the model per connection (read, feed, write, until end of file) — thread-per-
// connection, the natural shape for every model whose blocked threads are cheap or preempted.
// A model for which that shape is wrong (a fixed pool: `workers` connections at a time) brings
// its own server, as a static `M::serve(listener, new_protocol, accepted)` returning a handle
// with stop(); kernel_pool does, with a reactor (kernel_threads/reactor.hpp).
//
// On a stackless model (whose sockets are awaitables, stackless_net_model) the same server is
// written again as coroutines, at the end of this file: async_server, a coroutine per connection
// feeding the same protocol classes.
//
// The load generator is a separate program (a `threadlab-echo-client`, or wrk), started with
// posix_spawn and waited for with M::sleep_for between looks, so that waiting for it never
// blocks a worker of the model under test.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

extern char** environ;

namespace threadlab::workloads::net_support {

// loopback — where every network workload listens: the loopback interface only.
inline constexpr const char* loopback = "127.0.0.1";

// raise_open_files() — lifts the soft RLIMIT_NOFILE to the hard limit, so that a run needs only
// the hard limit to be high enough. When it is not, the server's accept fails with EMFILE and
// the run ends with the diagnosis (thread_per_connection below).
inline void raise_open_files() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

// tool_path(name) — the program `name` (threadlab-echo-client) built beside the harness: the first
// place it exists of
//   1. beside the running program (an installed `threadlab`, or one in the build tree);
//   2. the folder given to set_tools_dir (an out-of-tree program's run_cli, bench/extend.hpp,
//      gives the installed package's bin/ folder);
//   3. the build tree this harness was built in;
// else name itself, which posix_spawn then fails to start, naming it. Defined in
// bench/workloads/net_support.cpp: out of line, so that the build tree's folder compiled into
// the library never differs between two copies of an inline function.
std::string tool_path(const std::string& name);

// set_tools_dir(dir) — where tool_path looks after the running program's folder. Call before
// any workload runs (a single-threaded program's main, before run_cli).
void set_tools_dir(std::string dir);

// child_process — a program run beside the model, its stdout and stderr captured. Killed (and
// reaped) if still running when destroyed: an error path never leaves it behind.
class child_process {
 public:
  // child_process(argv) — starts argv[0] (a path) with argv. Throws std::system_error when it
  // cannot be started.
  explicit child_process(const std::vector<std::string>& argv) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
      throw std::system_error(errno, std::system_category(), "pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      throw std::system_error(rc, std::system_category(), "cannot start " + argv[0]);
    }
    out_ = out[0];
    ::fcntl(out_, F_SETFL, ::fcntl(out_, F_GETFL) | O_NONBLOCK);
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_ >= 0) ::close(out_);
  }

  // finished() — true once the child has exited (then status() says how); never blocks.
  bool finished() {
    drain();
    if (exited_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      status_ = status;
      drain();
    }
    return exited_;
  }
  // kill() — kills the child now (SIGKILL) and reaps it, unless it has exited; finished() is
  // then true.
  void kill() {
    if (finished()) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) status_ = status;
    exited_ = true;
    drain();
  }
  // status() — the wait status. Precondition: finished().
  int status() const noexcept { return status_; }
  // output() — what the child wrote on stdout so far.
  const std::string& output() const noexcept { return output_; }

 private:
  // drain() — reads what the pipe holds, so that a chatty child never blocks on a full pipe.
  void drain() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) return;
      output_.append(buf, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string output_;
};

// child_wait — the schedule of a wait for a child process, shared by wait_for and
// wait_for_async: look (done), sleep (pause), look again. The looks start 1 ms apart and back off
// to 50 ms, so that a long wait costs the server next to no CPU (echo measures what an idle
// server spends).
class child_wait {
 public:
  child_wait(child_process& child, std::chrono::milliseconds limit, std::string what,
             std::function<bool()> abandon)
      : child_(child),
        give_up_(std::chrono::steady_clock::now() + limit),
        limit_(limit),
        what_(std::move(what)),
        abandon_(std::move(abandon)) {}

  // done() — the child has exited, or abandon() (when given) is true. Throws std::runtime_error
  // when `limit` has passed first (the child is then killed by its destructor).
  bool done() {
    if (child_.finished() || (abandon_ && abandon_())) return true;
    if (std::chrono::steady_clock::now() > give_up_) {
      throw std::runtime_error(what_ + " did not finish within " + std::to_string(limit_.count()) +
                               " ms");
    }
    return false;
  }
  // pause() — how long to sleep before the next look.
  std::chrono::milliseconds pause() {
    const std::chrono::milliseconds now = pause_;
    pause_ = std::min(pause_ * 2, std::chrono::milliseconds(50));
    return now;
  }

 private:
  child_process& child_;
  std::chrono::steady_clock::time_point give_up_;
  std::chrono::milliseconds limit_;
  std::string what_;
  std::function<bool()> abandon_;
  std::chrono::milliseconds pause_{1};
};

// wait_for<M>(child, limit, what, abandon) — waits, from a thread of M, until child has exited
// or abandon() (when given) is true: M::sleep_for between looks (child_wait), so the wait parks
// this thread only. Throws std::runtime_error when `limit` passes first.
template <model M>
void wait_for(child_process& child, std::chrono::milliseconds limit, const std::string& what,
              const std::function<bool()>& abandon = {}) {
  for (child_wait wait(child, limit, what, abandon); !wait.done();) M::sleep_for(wait.pause());
}

// wait_for_async<M>(child, limit, what, abandon) — wait_for's coroutine form, for a stackless
// model: `co_await` it.
template <stackless_model M>
typename M::template task<void> wait_for_async(child_process& child,
                                               std::chrono::milliseconds limit, std::string what,
                                               std::function<bool()> abandon = {}) {
  for (child_wait wait(child, limit, std::move(what), std::move(abandon)); !wait.done();) {
    co_await M::sleep_for(wait.pause());
  }
}

// brings_own_server<M> — M serves connections its own way (M::serve), not a thread each.
struct probe_protocol {
  bool on_data(const char*, std::size_t, std::string&) { return true; }
};
template <class M>
constexpr bool brings_own_server = requires(typename M::listener& l,
                                            std::atomic<std::uint64_t>& accepted) {
  M::serve(
      l, [] { return probe_protocol{}; }, accepted)
      ->stop();
};

// serve_connection(s, protocol) — one connection, on the calling thread: feeds every chunk read
// from s to protocol and writes the reply, until end of file or on_data's false. A peer that
// resets or vanishes ends it quietly. (tests/fuzz/http_request_fuzz.cpp drives it over a
// socketpair.)
// plan_connections<M>(opts, size, workload, extra_threads) — the sample a server workload fills
// for `size` connections on M, its size the connections M serves: fewer, marked scaled, when a
// thread per connection and the `extra_threads` (body, acceptor) do not fit M's thread budget; a
// model with a server of its own (brings_own_server) needs no thread per connection. Also raises
// the descriptor limit (raise_open_files). Throws std::invalid_argument when size is 0.
template <class M>
sample plan_connections(const run_options& opts, std::uint64_t size, std::string_view workload,
                        std::uint64_t extra_threads) {
  if (size == 0) {
    throw std::invalid_argument(std::string(workload) + ": size must be at least 1");
  }
  sample s;
  s.size = size;
  bool own_server = false;
  if constexpr (!is_stackless<M>) own_server = brings_own_server<M>;
  const std::uint64_t budget = support::thread_budget<M>(opts);
  if (!own_server && budget < size + extra_threads) {
    s.size = budget > extra_threads ? budget - extra_threads : 1;
    s.scaled = true;
    s.note = "scaled to " + support::grouped(s.size) + " connections: thread_limit " +
             support::grouped(M::thread_limit) + " cannot hold a thread for each of " +
             support::grouped(size);
  }
  raise_open_files();
  return s;
}

// connection_buffer_bytes — what one read of a connection may take: the buffer each
// connection's handler holds (on its stack, or in its coroutine frame).
inline constexpr std::size_t connection_buffer_bytes = 16 * 1024;

template <class Stream, class Protocol>
void serve_connection(Stream& s, Protocol& protocol) {
  char buf[connection_buffer_bytes];
  std::string reply;
  try {
    while (const std::size_t n = s.read_some(buf, sizeof buf)) {
      reply.clear();
      const bool keep = protocol.on_data(buf, n, reply);
      if (!reply.empty()) s.write_all(reply.data(), reply.size());
      if (!keep) break;
    }
  } catch (const std::system_error&) {
    // The peer reset or vanished: this connection ends, the others go on.
  }
}

// thread_per_connection<M>(l, new_protocol, accepted, failed) — the default server: accepts
// until l is closed (operation_canceled), giving each connection a thread of its own that runs
// serve_connection; then joins them all. accepted counts the connections. Runs on the calling
// thread of M.
//
// When accept fails otherwise (EMFILE: out of descriptors), the server stops accepting: the
// failure is diagnosed at once, while the connections that used the limit up are open
// (resource_exhausted, "when accepting connection <k> failed", bench/run/exhaustion.hpp),
// `failed` is set so that the workload ends its client (whose connections the handlers wait
// on), the handlers are joined, and the failure is rethrown.
//
// accept_failure(e, accepted) — why an acceptor stops when accept threw e: nullptr when the
// workload closed the listener (operation_canceled), else the diagnosed error, to rethrow once
// the handlers are joined. Called from the catch handler.
inline std::exception_ptr accept_failure(const std::system_error& e, std::uint64_t accepted) {
  if (e.code() == std::errc::operation_canceled) return nullptr;  // the workload stopped us
  try {
    rethrow_diagnosed("accepting connection", accepted + 1);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

template <net_model M, class NewProtocol>
void thread_per_connection(typename M::listener& l, NewProtocol new_protocol,
                           std::atomic<std::uint64_t>& accepted, std::atomic<bool>& failed) {
  support::thread_group<M> connections;
  std::exception_ptr failure;
  for (;;) {
    typename M::stream s;
    try {
      s = l.accept();
    } catch (const std::system_error& e) {
      failure = accept_failure(e, accepted.load());
      break;
    }
    accepted.fetch_add(1, std::memory_order_relaxed);
    connections.spawn(
        [s = std::move(s), protocol = new_protocol()]() mutable { serve_connection(s, protocol); });
  }
  if (failure) failed.store(true);
  connections.join_all();
  if (failure) std::rethrow_exception(failure);
}

// server<M> — a running server: by default an acceptor thread of M running
// thread_per_connection; for a model that brings its own (a static
// `M::serve(listener, new_protocol, accepted)` returning a handle with stop()), that.
template <net_model M>
class server {
 public:
  // server(l, new_protocol) — starts serving l. l must outlive the server.
  template <class NewProtocol>
  server(typename M::listener& l, NewProtocol new_protocol) : listener_(l) {
    if constexpr (brings_own_server<M>) {
      std::shared_ptr own = M::serve(l, new_protocol, accepted_);
      holder_ = own;
      stop_ = [own] { own->stop(); };
    } else {
      acceptor_.spawn([this, new_protocol]() mutable {
        thread_per_connection<M>(listener_, new_protocol, accepted_, failed_);
      });
      stop_ = [this] {
        listener_.close();
        acceptor_.join_all();
      };
    }
  }
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  // ~server — on an error path: stop accepting; the members' destructors join what runs.
  ~server() { listener_.close(); }

  // accepted() — connections accepted so far.
  std::uint64_t accepted() const noexcept { return accepted_.load(std::memory_order_relaxed); }
  // failed() — the acceptor stopped on an error (see thread_per_connection); a model's own
  // server never says so.
  bool failed() const noexcept { return failed_.load(); }
  // end_if_failed(client) — when failed(): kills the client, whose connections the handlers
  // serve, and stops, rethrowing the acceptor's error. Else nothing.
  void end_if_failed(child_process& client) {
    if (!failed()) return;
    client.kill();
    stop();
  }
  // stop() — stop accepting, wait for every connection to end (their peers close them), and
  // rethrow what the server threw.
  void stop() { stop_(); }

 private:
  typename M::listener& listener_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<bool> failed_{false};
  support::thread_group<M> acceptor_{1};
  std::shared_ptr<void> holder_;  // a model's own server, when it brings one
  std::function<void()> stop_;
};

// ---- The coroutine forms: the same server on a stackless model -----------------------------
//
// A stackless model's sockets are awaitables (stackless_net_model, bench/model.hpp), so the
// server is written again with every wait a co_await: serve_connection_async and
// async_thread_per_connection do what serve_connection and thread_per_connection do, with the
// same protocol classes, and async_server is server's coroutine form. A stackless model brings no
// server of its own: a coroutine per connection is the shape it exists for.

// serve_connection_async<M>(s, protocol) — serve_connection's coroutine form: `co_await` it.
template <stackless_net_model M, class Protocol>
typename M::template task<void> serve_connection_async(typename M::stream& s, Protocol& protocol) {
  char buf[connection_buffer_bytes];  // in the frame: touched only as far as a read fills it
  std::string reply;
  try {
    for (;;) {
      const std::size_t n = co_await s.read_some(buf, sizeof buf, net_forever);
      if (n == 0) break;
      reply.clear();
      const bool keep = protocol.on_data(buf, n, reply);
      if (!reply.empty()) co_await s.write_all(reply.data(), reply.size(), net_forever);
      if (!keep) break;
    }
  } catch (const std::system_error&) {
    // The peer reset or vanished: this connection ends, the others go on.
  }
}

// async_thread_per_connection<M>(l, new_protocol, accepted, failed) — thread_per_connection's
// coroutine form: accepts until l is closed, a thread of M per connection running
// serve_connection_async, then joins them; an accept that fails otherwise is handled as there.
template <stackless_net_model M, class NewProtocol>
typename M::template task<void> async_thread_per_connection(typename M::listener& l,
                                                            NewProtocol new_protocol,
                                                            std::atomic<std::uint64_t>& accepted,
                                                            std::atomic<bool>& failed) {
  using task = typename M::template task<void>;
  support::async_thread_group<M> connections;
  std::exception_ptr failure;
  for (;;) {
    std::optional<typename M::stream> s;
    try {
      s.emplace(co_await l.accept(net_forever));
    } catch (const std::system_error& e) {
      failure = accept_failure(e, accepted.load());
      break;
    }
    accepted.fetch_add(1, std::memory_order_relaxed);
    connections.spawn([s = std::move(*s), protocol = new_protocol()]() mutable -> task {
      co_await serve_connection_async<M>(s, protocol);
    });
  }
  if (failure) failed.store(true);
  co_await connections.join_all();
  if (failure) std::rethrow_exception(failure);
}

// async_server<M> — server's coroutine form: an acceptor thread of M running
// async_thread_per_connection on a listener the server owns. `co_await stop()` before the server
// is destroyed: a destructor cannot co_await, so one reached without stop() (an exception left
// the body) only closes the listener, and the acceptor, which shares ownership of the listener
// and the counts, ends by itself once its connections have (M::run waits for it).
template <stackless_net_model M>
class async_server {
 public:
  using task = typename M::template task<void>;

  // async_server(l, new_protocol) — starts serving l, which it takes.
  template <class NewProtocol>
  async_server(typename M::listener l, NewProtocol new_protocol)
      : state_(std::make_shared<state>(std::move(l))) {
    acceptor_.spawn([st = state_, new_protocol]() mutable -> task {
      co_await async_thread_per_connection<M>(st->listener, new_protocol, st->accepted, st->failed);
    });
  }
  async_server(const async_server&) = delete;
  async_server& operator=(const async_server&) = delete;
  ~async_server() { state_->listener.close(); }

  // port() — the port it listens on.
  std::uint16_t port() const { return state_->listener.local_port(); }
  // accepted() / failed() — as server's.
  std::uint64_t accepted() const noexcept {
    return state_->accepted.load(std::memory_order_relaxed);
  }
  bool failed() const noexcept { return state_->failed.load(); }
  // end_if_failed(client) — as server's: `co_await` it.
  task end_if_failed(child_process& client) {
    if (!failed()) co_return;
    client.kill();
    co_await stop();
  }
  // stop() — as server's: stop accepting, wait for every connection to end, and rethrow what
  // the acceptor threw. `co_await` it.
  task stop() {
    state_->listener.close();
    co_await acceptor_.join_all();
  }

 private:
  // state — what the acceptor shares with the server: it may outlive the server (above).
  struct state {
    explicit state(typename M::listener l) : listener(std::move(l)) {}
    typename M::listener listener;
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<bool> failed{false};
  };
  std::shared_ptr<state> state_;
  support::async_thread_group<M> acceptor_{1};
};

// serve_until<M>(srv, body) — `co_await body()` (a coroutine driving the load on srv), then
// `co_await srv.stop()` whether body threw or not, then rethrow what body threw: the coroutine form
// of "the server's destructor stops it", which a destructor cannot do (async_server).
template <stackless_net_model M, class Body>
typename M::template task<void> serve_until(async_server<M>& srv, Body body) {
  std::exception_ptr error;
  try {
    co_await body();
  } catch (...) {
    error = std::current_exception();
  }
  co_await srv.stop();
  if (error) std::rethrow_exception(error);
}

}  // namespace threadlab::workloads::net_support
