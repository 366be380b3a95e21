// tests/coroutines/net_test.cpp — socket waits from the scheduler's side (the conformance suite's
// coroutine forms cover the socket contract): many connections per worker, a read deadline that
// its data beats (its timer must not keep the run alive), deadlines racing their data, close()
// waking a suspended reader, workers asleep while every thread waits on a socket, a deadlock
// still found after the last socket waiter left, and the observer's view of a socket wait. Every
// test runs at each worker count but the last (two workers); the suite also runs under
// ThreadSanitizer.
#include <doctest/doctest.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <vector>

#include <coroutines/channel.hpp>
#include <coroutines/net.hpp>
#include <coroutines/observer.hpp>
#include <coroutines/runtime.hpp>
#include <coroutines/thread.hpp>

#include "support.hpp"

namespace {

using namespace std::chrono_literals;
using coroutines::task;
namespace net = coroutines::net;
constexpr const char* loopback = "127.0.0.1";

#if defined(__SANITIZE_THREAD__)
constexpr bool thread_sanitizer = true;
#else
constexpr bool thread_sanitizer = false;
#endif

// process_cpu_seconds() — the CPU time every thread of this process has used so far.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// echo_until_end(s) — echo what arrives until end of file.
task<void> echo_until_end(net::stream& s) {
  char buf[256];
  for (;;) {
    const std::size_t n = co_await s.read_some(buf, sizeof buf);
    if (n == 0) co_return;
    co_await s.write_all(buf, n);
  }
}

}  // namespace

TEST_CASE("coroutines net: 200 connections, each echoed by its own coroutine thread") {
  const unsigned connections = thread_sanitizer ? 50 : 200;
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::atomic<unsigned> good{0};
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto l = net::listener::bind(loopback, 0);
      const std::uint16_t port = l.local_port();
      auto server = coroutines::spawn([&]() -> task<void> {
        std::vector<coroutines::join_handle<void>> handlers;
        for (unsigned i = 0; i < connections; ++i) {
          net::stream s = co_await l.accept();
          handlers.push_back(coroutines::spawn(
              [s = std::move(s)]() mutable -> task<void> { co_await echo_until_end(s); }));
        }
        co_await coroutines_test::join_all(handlers);
      });
      std::vector<coroutines::join_handle<void>> clients;
      for (unsigned i = 0; i < connections; ++i) {
        clients.push_back(coroutines::spawn([&, i]() -> task<void> {
          net::stream c = co_await net::connect(loopback, port);
          for (std::uint32_t round = 0; round < 10; ++round) {
            const std::uint32_t sent = i * 100 + round;
            co_await c.write_all(&sent, sizeof sent);
            std::uint32_t back = 0;
            const std::size_t got = co_await c.read_exact(&back, sizeof back);
            if (got != sizeof back || back != sent) co_return;
          }
          good.fetch_add(1);
        }));
      }
      co_await coroutines_test::join_all(clients);
      co_await server;
    });
    CHECK(good.load() == connections);
  }
}

TEST_CASE("coroutines net: a read that its data beats leaves no timer to keep the run alive") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    const auto start = std::chrono::steady_clock::now();
    std::size_t got = 0;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto l = net::listener::bind(loopback, 0);
      const std::uint16_t port = l.local_port();
      auto reader = coroutines::spawn([&]() -> task<void> {
        net::stream s = co_await l.accept();
        char c = 0;
        // A deadline far away; the byte arrives long before it.
        got = co_await s.read_some(&c, 1, std::chrono::steady_clock::now() + 60s);
      });
      net::stream c = co_await net::connect(loopback, port);
      co_await coroutines::sleep_for(5ms);  // most runs: the reader is suspended by now
      co_await c.write_all("x", 1);
      co_await reader;
    });
    // The run ended with the data, not 60 s later at the timer.
    CHECK(got == 1);
    CHECK(std::chrono::steady_clock::now() - start < 30s);
  }
}

TEST_CASE("coroutines net: deadlines racing their data: each read gets its byte or times out") {
  // Each round the writer sends one byte after a pause from 0 to 2 ms, and the reader waits for
  // it with a 1 ms deadline, so the timer and the epoll event race for the suspended reader
  // (worker.cpp, fire_timers; poller.hpp). Whichever wins, the read returns the byte or throws
  // timed_out, once; a timed-out round's byte is then read without a deadline, so every round
  // starts with nothing pending, and no byte is lost or read twice.
  const int rounds = thread_sanitizer ? 40 : 200;
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    int bytes = 0, timeouts = 0;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto l = net::listener::bind(loopback, 0);
      net::stream c = co_await net::connect(loopback, l.local_port());
      net::stream s = co_await l.accept();
      for (int i = 0; i < rounds; ++i) {
        auto writer = coroutines::spawn([&c, i]() -> task<void> {
          co_await coroutines::sleep_for(std::chrono::microseconds(50 * (i % 41)));
          co_await c.write_all("x", 1);
        });
        char got = 0;
        bool timed_out = false;
        try {
          const std::size_t n =
              co_await s.read_some(&got, 1, std::chrono::steady_clock::now() + 1ms);
          bytes += static_cast<int>(n);
        } catch (const std::system_error& e) {
          CHECK(e.code() == std::errc::timed_out);
          timed_out = true;
        }
        co_await writer;
        if (timed_out) {
          ++timeouts;
          bytes += static_cast<int>(co_await s.read_some(&got, 1));
        }
      }
    });
    CHECK(bytes == rounds);
    // Pauses past the deadline time out, short ones do not: the race is really run.
    CHECK(timeouts > 0);
    CHECK(timeouts < rounds);
  }
}

TEST_CASE("coroutines net: close() wakes a coroutine thread suspended in read") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    std::errc error = std::errc();
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto l = net::listener::bind(loopback, 0);
      net::stream c = co_await net::connect(loopback, l.local_port());
      net::stream s = co_await l.accept();
      coroutines::channel<int> started(1);
      auto reader = coroutines::spawn([&]() -> task<void> {
        co_await started.push(1);
        try {
          char buf[8];
          static_cast<void>(co_await s.read_some(buf, sizeof buf));
        } catch (const std::system_error& e) {
          error = static_cast<std::errc>(e.code().value());
        }
      });
      static_cast<void>(co_await started.pop());
      co_await coroutines::sleep_for(5ms);
      s.close();
      co_await reader;
    });
    CHECK(error == std::errc::operation_canceled);
  }
}

TEST_CASE("coroutines net: workers sleep while every thread waits on a socket") {
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    double cpu_while_idle = -1;
    coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
      auto l = net::listener::bind(loopback, 0);
      const std::uint16_t port = l.local_port();
      std::vector<net::stream> clients;
      std::vector<coroutines::join_handle<void>> readers;
      for (int i = 0; i < 100; ++i) {
        clients.push_back(co_await net::connect(loopback, port));
        net::stream s = co_await l.accept();
        readers.push_back(coroutines::spawn([s = std::move(s)]() mutable -> task<void> {
          char c = 0;
          static_cast<void>(co_await s.read_some(&c, 1));  // suspended until the client closes
        }));
      }
      co_await coroutines::sleep_for(20ms);  // every reader suspends
      const double before = process_cpu_seconds();
      co_await coroutines::sleep_for(300ms);
      cpu_while_idle = process_cpu_seconds() - before;
      clients.clear();  // closing them ends every reader
      co_await coroutines_test::join_all(readers);
    });
    // A worker polling in a loop would burn ~0.3 s; sleeping ones next to nothing. The bound is
    // loose (a tenth of one busy worker) for a noisy machine.
    CHECK(cpu_while_idle >= 0);
    CHECK(cpu_while_idle < 0.03 * workers);
  }
}

TEST_CASE("coroutines net: a deadlock after the last socket waiter was closed is still found") {
  // The reader's close() takes the last thread out of the netpoller while an idle worker may be
  // asleep in epoll_wait for it (Q4, scheduler.cpp): that worker must go back to its futex, so
  // that the deadlock that follows is reported, not slept through.
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    // Static: the deadlocked threads' frames are never destroyed (runtime.hpp).
    static coroutines::channel<int> nobody_sends(1);
    std::size_t blocked = 0;
    try {
      coroutines::run(coroutines_test::with_workers(workers), [&]() -> task<void> {
        auto l = net::listener::bind(loopback, 0);
        net::stream c = co_await net::connect(loopback, l.local_port());
        net::stream s = co_await l.accept();
        auto reader = coroutines::spawn([&]() -> task<void> {
          char buf[8];
          try {
            static_cast<void>(co_await s.read_some(buf, sizeof buf));
          } catch (const std::system_error&) {
          }
        });
        co_await coroutines::sleep_for(20ms);  // the reader suspends; a worker sleeps in the poll
        s.close();
        co_await reader;
        (void)co_await nobody_sends.pop();
      });
    } catch (const coroutines::deadlock_error& e) {
      blocked = e.blocked_threads();
    }
    CHECK(blocked == 1);
  }
}

TEST_CASE("coroutines net: the observer sees a socket wait as readable, with its descriptor") {
  if (!coroutines::hooks_compiled) return;
  struct recorder : coroutines::observer {
    void on_transition(const coroutines::transition& t) noexcept override {
      const std::lock_guard<std::mutex> hold(mutex);
      if (t.state == coroutines::thread_state::blocked) blocked.push_back(t);
    }
    std::mutex mutex;
    std::vector<coroutines::transition> blocked;
  } r;
  coroutines::options o = coroutines_test::with_workers(2);
  o.observer = &r;
  int reader_fd = -1;
  coroutines::run(o, [&]() -> task<void> {
    auto l = net::listener::bind(loopback, 0);
    net::stream c = co_await net::connect(loopback, l.local_port());
    net::stream s = co_await l.accept();
    reader_fd = s.native_handle();
    auto reader = coroutines::spawn([&]() -> task<void> {
      char got = 0;
      static_cast<void>(co_await s.read_some(&got, 1));
    });
    co_await coroutines::sleep_for(5ms);  // the reader suspends on its socket
    co_await c.write_all("x", 1);
    co_await reader;
  });
  bool seen = false;
  for (const coroutines::transition& t : r.blocked) {
    if (t.waiting == coroutines::wait_kind::readable) {
      CHECK(t.wait_detail == static_cast<std::uint64_t>(reader_fd));
      seen = true;
    } else {
      CHECK(t.wait_detail == 0);  // a descriptor only for a socket wait
    }
  }
  CHECK(seen);
}
