// tests/conformance/net_test.cpp — the sockets of every model with capability::net
// (bench/model.hpp, net_model): accept, echo of one byte and of 1 MiB, a peer that closes
// mid-read, deadlines that expire, close() ending a blocked accept, and, on the models with
// many_threads, 1,000 connections at once. Models without net are skipped with a message.
//
// Every test binds 127.0.0.1 on a port the kernel picks, so tests never collide. The body plays
// the client and spawned threads the server, so that a model whose body runs outside its
// threads (a fixed pool) is driven the same way as the others.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

constexpr const char* loopback = "127.0.0.1";

// errc_of(f) — the std::errc of the std::system_error f throws, or std::errc() when none.
template <class F>
std::errc errc_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return static_cast<std::errc>(e.code().value());
  }
  return std::errc();
}

// lacks_net<M>() — M has no sockets; skip_net<M>() says so, as a test's whole body.
template <class M>
constexpr bool lacks_net() {
  return !has(M::capabilities, capability::net);
}

template <class M>
void skip_net() {
  skip_for_lack_of<M>("net", "it has no sockets whose calls park only the calling thread");
}

TEST_CASE_TEMPLATE_DEFINE("net: a connection is accepted and one byte goes each way", M,
                          net_one_byte) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("one byte each way", [](const run_options& options) {
      char echoed = 0;
      std::size_t server_read = 0;
      M::run(options, [&] {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto server = M::spawn([&] {
          auto s = l.accept();
          char c = 0;
          server_read = s.read_exact(&c, 1);
          s.write_all(&c, 1);
        });
        auto c = M::connect(loopback, port, net_forever);
        c.write_all("x", 1);
        c.read_exact(&echoed, 1);
        server.join();
      });
      CHECK(server_read == 1);
      CHECK(echoed == 'x');
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(net_one_byte, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("net: 1 MiB is echoed intact, then end of file", M, net_one_mib) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("1 MiB echoed", [](const run_options& options) {
      if (max_waiting_threads<M>(options, 2) < 2) {
        MESSAGE(
            "skipped at 1 worker: the server and the writer wait at once, and a pool of one "
            "runs one of them at a time");
        return;
      }
      constexpr std::size_t size = 1 << 20;
      std::vector<char> sent(size);
      for (std::size_t i = 0; i < size; ++i) sent[i] = static_cast<char>(i * 131 + (i >> 11));
      std::vector<char> got(size);
      std::size_t received = 0;
      std::size_t after_end = 1;
      M::run(options, [&] {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto server = M::spawn([&] {
          auto s = l.accept();
          char buf[16384];
          while (const std::size_t n = s.read_some(buf, sizeof buf)) s.write_all(buf, n);
          s.shutdown();  // the client reads end of file after the last echoed byte
        });
        auto c = M::connect(loopback, port, net_forever);
        // The writer runs beside the body's reads: with both sides' buffers full, one thread
        // writing and then reading would wait on itself.
        auto writer = M::spawn([&] {
          c.write_all(sent.data(), size);
          c.shutdown();
        });
        received = c.read_exact(got.data(), size);
        char extra = 0;
        after_end = c.read_some(&extra, 1);
        writer.join();
        server.join();
      });
      CHECK(received == size);
      CHECK(got == sent);
      CHECK(after_end == 0);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(net_one_mib, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("net: a peer that closes mid-read leaves what it sent, then end of file",
                          M, net_peer_closes) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("peer closes mid-read", [](const run_options& options) {
      std::size_t got = 0;
      std::string text;
      M::run(options, [&] {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto server = M::spawn([&] {
          auto s = l.accept();
          s.write_all("abc", 3);
        });  // s destroyed: the descriptor is closed
        auto c = M::connect(loopback, port, net_forever);
        char buf[10] = {};
        got = c.read_exact(buf, sizeof buf);
        text.assign(buf, got);
        server.join();
      });
      CHECK(got == 3);
      CHECK(text == "abc");
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(net_peer_closes, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("net: deadlines on read and accept expire with timed_out", M,
                          net_deadlines) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("deadlines expire", [](const run_options& options) {
      std::errc read_error = std::errc();
      std::errc accept_error = std::errc();
      std::chrono::steady_clock::duration read_waited{};
      M::run(options, [&] {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        typename M::template channel<int> done(1);
        auto server = M::spawn([&] {
          auto s = l.accept();
          static_cast<void>(done.pop());  // holds the connection open, sending nothing
        });
        auto c = M::connect(loopback, port, net_forever);
        const auto start = std::chrono::steady_clock::now();
        read_error = errc_of([&] {
          char buf[4];
          c.read_some(buf, sizeof buf, start + std::chrono::milliseconds(50));
        });
        read_waited = std::chrono::steady_clock::now() - start;
        done.push(1);
        server.join();
        accept_error = errc_of(
            [&] { l.accept(std::chrono::steady_clock::now() + std::chrono::milliseconds(20)); });
      });
      CHECK(read_error == std::errc::timed_out);
      CHECK(read_waited >= std::chrono::milliseconds(50));
      CHECK(accept_error == std::errc::timed_out);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(net_deadlines, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("net: close() ends a blocked accept with operation_canceled", M,
                          net_close_accept) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("close ends accept", [](const run_options& options) {
      std::errc error = std::errc();
      M::run(options, [&] {
        auto l = M::listener::bind(loopback, 0);
        std::atomic<bool> accepting{false};
        auto acceptor = M::spawn([&] {
          accepting.store(true);
          error = errc_of([&] { l.accept(); });
        });
        must_eventually<M>([&] { return accepting.load(); }, "the acceptor did not start");
        M::sleep_for(2ms);  // most runs: the acceptor is asleep in accept by now
        l.close();
        acceptor.join();
      });
      CHECK(error == std::errc::operation_canceled);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(net_close_accept, models_under_test);

// raise_open_files(wanted) — lifts the soft RLIMIT_NOFILE toward the hard limit; true when at
// least `wanted` descriptors are now allowed.
bool raise_open_files(rlim_t wanted) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return false;
  if (r.rlim_cur < wanted && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = std::min(r.rlim_max, std::max(wanted, r.rlim_cur));
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur >= wanted;
}

TEST_CASE_TEMPLATE_DEFINE("net: 1,000 connections at once, each echoed by its own thread", M,
                          net_thousand) {
  if constexpr (lacks_net<M>() || !has(M::capabilities, capability::many_threads)) {
    skip_for_lack_of<M>("net and many_threads",
                        "1,000 threads with a connection each is the fiber models' case");
  } else {
    static constexpr unsigned connections = 1000;
    if (!raise_open_files(2 * connections + 64)) {
      MESSAGE("skipped: RLIMIT_NOFILE's hard limit is below 2,064 descriptors");
      return;
    }
    for_each_worker_count<M>("1,000 connections", [](const run_options& options) {
      std::atomic<unsigned> echoed{0};
      std::atomic<unsigned> served{0};
      M::run(options, [&] {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto acceptor = M::spawn([&] {
          std::vector<typename M::thread> handlers;
          for (unsigned i = 0; i < connections; ++i) {
            handlers.push_back(M::spawn([s = l.accept(), &served]() mutable {
              char buf[64];
              while (const std::size_t n = s.read_some(buf, sizeof buf)) s.write_all(buf, n);
              served.fetch_add(1);
            }));
          }
          for (auto& h : handlers) h.join();
        });
        std::vector<typename M::thread> clients;
        for (unsigned i = 0; i < connections; ++i) {
          clients.push_back(M::spawn([&, i] {
            auto c = M::connect(loopback, port, net_forever);
            const std::uint64_t mine = i;
            c.write_all(&mine, sizeof mine);
            M::yield();  // let the others connect: every connection is open at once
            std::uint64_t back = 0;
            if (c.read_exact(&back, sizeof back) == sizeof back && back == mine) echoed++;
          }));
        }
        for (auto& t : clients) t.join();
        acceptor.join();
      });
      CHECK(echoed.load() == connections);
      CHECK(served.load() == connections);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(net_thousand, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
