// tests/kernel_threads/net_test.cpp — the module's sockets and its reactor (the conformance
// suite covers the socket contract through the kernel adapters): a read deadline, close()
// waking a thread asleep in recv and one asleep in accept, and a reactor + pool of two workers
// serving more connections than it has workers. Runs under ThreadSanitizer too.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "kernel_threads/net.hpp"
#include "kernel_threads/reactor.hpp"
#include "kernel_threads/thread.hpp"
#include "kernel_threads/thread_pool.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = kernel_threads::net;
constexpr const char* loopback = "127.0.0.1";

template <class F>
std::errc errc_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return static_cast<std::errc>(e.code().value());
  }
  return std::errc();
}

// echo — a reactor handler: every byte back.
struct echo {
  bool on_data(const char* data, std::size_t n, std::string& reply) {
    reply.append(data, n);
    return true;
  }
};

}  // namespace

TEST_CASE("net: a read deadline expires with timed_out, not before") {
  auto l = net::listener::bind(loopback, 0);
  auto c = net::connect(loopback, l.local_port());
  auto s = l.accept();
  const auto start = std::chrono::steady_clock::now();
  char buf[4];
  CHECK(errc_of([&] { s.read_some(buf, sizeof buf, start + 50ms); }) == std::errc::timed_out);
  CHECK(std::chrono::steady_clock::now() - start >= 50ms);
}

TEST_CASE("net: close() wakes a thread asleep in recv and one asleep in accept") {
  auto l = net::listener::bind(loopback, 0);
  auto c = net::connect(loopback, l.local_port());
  auto s = l.accept();
  std::errc read_error = std::errc(), accept_error = std::errc();
  kernel_threads::thread reader([&] {
    char buf[4];
    read_error = errc_of([&] { s.read_some(buf, sizeof buf); });
  });
  kernel_threads::thread acceptor([&] { accept_error = errc_of([&] { l.accept(); }); });
  std::this_thread::sleep_for(20ms);  // most runs: both are asleep by now
  s.close();
  l.close();
  reader.join();
  acceptor.join();
  CHECK(read_error == std::errc::operation_canceled);
  CHECK(accept_error == std::errc::operation_canceled);
}

TEST_CASE("reactor: two workers serve 50 connections at once, each echoed") {
  constexpr unsigned connections = 50;
  kernel_threads::thread_pool pool(2);
  auto l = net::listener::bind(loopback, 0);
  const std::uint16_t port = l.local_port();
  std::atomic<unsigned> accepted{0};
  kernel_threads::reactor_server server(
      l, pool, [] { return echo{}; }, [&] { accepted.fetch_add(1); });
  std::vector<net::stream> clients;
  for (unsigned i = 0; i < connections; ++i) clients.push_back(net::connect(loopback, port));
  unsigned good = 0;
  for (std::uint32_t round = 0; round < 5; ++round) {
    for (unsigned i = 0; i < connections; ++i) {
      const std::uint32_t sent = i * 10 + round;
      clients[i].write_all(&sent, sizeof sent);
    }
    for (unsigned i = 0; i < connections; ++i) {
      std::uint32_t back = 0;
      if (clients[i].read_exact(&back, sizeof back) == sizeof back && back == i * 10 + round) {
        ++good;
      }
    }
  }
  clients.clear();  // every connection ends, so the reactor can stop
  server.stop();
  pool.shutdown(kernel_threads::shutdown_mode::drain);
  CHECK(good == connections * 5);
  CHECK(accepted.load() == connections);
}
