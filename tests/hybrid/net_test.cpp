// tests/hybrid/net_test.cpp — socket waits from the scheduler's side (the conformance suite
// covers the socket contract): many connections per worker, a read deadline that its data beats
// (its timer must not keep the run alive), close() waking a parked reader, workers asleep while
// every thread waits on a socket, and a run that ends with nothing parked. Every test runs at
// each worker count and with both I/O back ends (epoll; io_uring where the kernel allows it);
// the suite also runs under ThreadSanitizer.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include <hybrid/channel.hpp>
#include <hybrid/net.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {

using namespace std::chrono_literals;
constexpr const char* loopback = "127.0.0.1";

// setups() — every (workers, back end) a test runs with: each worker count with epoll, and with
// io_uring unless this machine refuses it (then one MESSAGE says why).
std::vector<hybrid::options> setups() {
  std::vector<hybrid::options> all;
  const std::string refused = hybrid::io_uring_unavailable();
  if (!refused.empty()) MESSAGE("io_uring cases skipped: " << refused);
  for (const hybrid::io_backend io : {hybrid::io_backend::epoll, hybrid::io_backend::io_uring}) {
    if (io == hybrid::io_backend::io_uring && !refused.empty()) continue;
    for (unsigned workers : hybrid_test::worker_counts) {
      hybrid::options o = hybrid_test::with_workers(workers);
      o.io = io;
      all.push_back(o);
    }
  }
  return all;
}

// echo_until_end(s) — echo what arrives until end of file.
void echo_until_end(hybrid::net::stream& s) {
  char buf[256];
  while (const std::size_t n = s.read_some(buf, sizeof buf)) s.write_all(buf, n);
}

}  // namespace

TEST_CASE("net: 200 connections, each echoed by its own green thread") {
  const unsigned connections = hybrid_test::thread_sanitizer ? 50 : 200;
  for (const hybrid::options& setup : setups()) {
    CAPTURE(hybrid::describe(setup));
    std::atomic<unsigned> good{0};
    hybrid::run(setup, [&] {
      auto l = hybrid::net::listener::bind(loopback, 0);
      const std::uint16_t port = l.local_port();
      auto server = hybrid::spawn([&] {
        std::vector<hybrid::thread> handlers;
        for (unsigned i = 0; i < connections; ++i) {
          handlers.push_back(hybrid::spawn([s = l.accept()]() mutable { echo_until_end(s); }));
        }
        for (auto& h : handlers) h.join();
      });
      std::vector<hybrid::thread> clients;
      for (unsigned i = 0; i < connections; ++i) {
        clients.push_back(hybrid::spawn([&, i] {
          auto c = hybrid::net::connect(loopback, port);
          for (std::uint32_t round = 0; round < 10; ++round) {
            const std::uint32_t sent = i * 100 + round;
            c.write_all(&sent, sizeof sent);
            std::uint32_t back = 0;
            if (c.read_exact(&back, sizeof back) != sizeof back || back != sent) return;
          }
          good.fetch_add(1);
        }));
      }
      for (auto& t : clients) t.join();
      server.join();
    });
    CHECK(good.load() == connections);
  }
}

TEST_CASE("net: a read that its data beats leaves no timer to keep the run alive") {
  for (const hybrid::options& setup : setups()) {
    CAPTURE(hybrid::describe(setup));
    const auto start = std::chrono::steady_clock::now();
    std::size_t got = 0;
    hybrid::run(setup, [&] {
      auto l = hybrid::net::listener::bind(loopback, 0);
      const std::uint16_t port = l.local_port();
      auto reader = hybrid::spawn([&] {
        auto s = l.accept();
        char c = 0;
        // A deadline far away; the byte arrives long before it.
        got = s.read_some(&c, 1, std::chrono::steady_clock::now() + 60s);
      });
      auto c = hybrid::net::connect(loopback, port);
      hybrid::this_thread::sleep_for(5ms);  // most runs: the reader is parked by now
      c.write_all("x", 1);
      reader.join();
    });
    // The run ended with the data, not 60 s later at the stale timer.
    CHECK(got == 1);
    CHECK(std::chrono::steady_clock::now() - start < 30s);
  }
}

TEST_CASE("net: close() wakes a green thread parked in read") {
  for (const hybrid::options& setup : setups()) {
    CAPTURE(hybrid::describe(setup));
    std::errc error = std::errc();
    hybrid::run(setup, [&] {
      auto l = hybrid::net::listener::bind(loopback, 0);
      auto c = hybrid::net::connect(loopback, l.local_port());
      auto s = l.accept();
      hybrid::channel<int> started(1);
      auto reader = hybrid::spawn([&] {
        started.push(1);
        try {
          char buf[8];
          s.read_some(buf, sizeof buf);
        } catch (const std::system_error& e) {
          error = static_cast<std::errc>(e.code().value());
        }
      });
      static_cast<void>(started.pop());
      hybrid::this_thread::sleep_for(5ms);
      s.close();
      reader.join();
    });
    CHECK(error == std::errc::operation_canceled);
  }
}

TEST_CASE("net: workers sleep while every thread waits on a socket") {
  for (const hybrid::options& setup : setups()) {
    CAPTURE(hybrid::describe(setup));
    const unsigned workers = setup.workers;
    double cpu_while_idle = -1;
    hybrid::run(setup, [&] {
      auto l = hybrid::net::listener::bind(loopback, 0);
      const std::uint16_t port = l.local_port();
      std::vector<hybrid::net::stream> clients;
      std::vector<hybrid::thread> readers;
      for (int i = 0; i < 100; ++i) {
        clients.push_back(hybrid::net::connect(loopback, port));
        readers.push_back(hybrid::spawn([s = l.accept()]() mutable {
          char c = 0;
          static_cast<void>(s.read_some(&c, 1));  // parked until the client closes
        }));
      }
      hybrid::this_thread::sleep_for(20ms);  // every reader parks
      const double before = hybrid_test::process_cpu_seconds();
      hybrid::this_thread::sleep_for(300ms);
      cpu_while_idle = hybrid_test::process_cpu_seconds() - before;
      clients.clear();  // closing them ends every reader
      for (auto& r : readers) r.join();
    });
    // A worker polling in a loop would burn ~0.3 s; sleeping ones next to nothing. The bound
    // is loose (a tenth of one busy worker) for a noisy machine.
    CHECK(cpu_while_idle >= 0);
    CHECK(cpu_while_idle < 0.03 * workers);
  }
}
