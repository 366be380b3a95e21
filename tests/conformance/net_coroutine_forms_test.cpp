// tests/conformance/net_coroutine_forms_test.cpp — net_test.cpp in its coroutine form, on every
// stackless model with capability::net (bench/model.hpp, stackless_net_model): every test of
// net_test has one form here, "coroutine form: " and the stackful test's name, checking the same
// behaviour with every socket call that waits a co_await. Stackless models without net are
// skipped with a message, as net_test skips stackful ones; the forms still compile for them
// (`if constexpr`).
//
// As in net_test: every test binds 127.0.0.1 on a port the kernel picks, the body plays the client
// and spawned threads the server. As in coroutine_forms_test: only the stackless contract is used
// (every co_await is of an awaitable an M member returns, or of a task<M, T>), every poll is
// bounded (coroutine_support.hpp), checks run after M::run returns, and no co_await is in an `if`
// or `while` condition, where GCC 12 miscompiles it (coroutines/README.md): its value is stored in
// a variable first. Every socket call passes its deadline (net_forever for none): the contract
// names no default.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "coroutine_support.hpp"
#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

constexpr const char* loopback = "127.0.0.1";

// errc_in(e) — the std::errc a socket call's std::system_error carries.
std::errc errc_in(const std::system_error& e) { return static_cast<std::errc>(e.code().value()); }

// lacks_net<M>() — M has no sockets; skip_net<M>() says so, as a test's whole body.
template <class M>
constexpr bool lacks_net() {
  return !has(M::capabilities, capability::net);
}

template <class M>
void skip_net() {
  skip_for_lack_of<M>("net", "it has no sockets whose calls park only the calling thread");
}

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: net: a connection is accepted and one byte goes each way", M,
    async_net_one_byte) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("one byte each way", [](const run_options& options) {
      char echoed = 0;
      std::size_t server_read = 0;
      std::size_t client_read = 0;
      M::run(options, [&]() -> task<M> {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto server = M::spawn([&]() -> task<M> {
          auto s = co_await l.accept(net_forever);
          char c = 0;
          server_read = co_await s.read_exact(&c, 1, net_forever);
          co_await s.write_all(&c, 1, net_forever);
        });
        auto c = co_await M::connect(loopback, port, net_forever);
        co_await c.write_all("x", 1, net_forever);
        client_read = co_await c.read_exact(&echoed, 1, net_forever);
        co_await server.join();
      });
      CHECK(server_read == 1);
      CHECK(client_read == 1);
      CHECK(echoed == 'x');
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_net_one_byte, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: net: 1 MiB is echoed intact, then end of file", M,
                          async_net_one_mib) {
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
      M::run(options, [&]() -> task<M> {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto server = M::spawn([&]() -> task<M> {
          auto s = co_await l.accept(net_forever);
          char buf[16384];
          for (;;) {
            const std::size_t n = co_await s.read_some(buf, sizeof buf, net_forever);
            if (n == 0) break;
            co_await s.write_all(buf, n, net_forever);
          }
          s.shutdown();  // the client reads end of file after the last echoed byte
        });
        auto c = co_await M::connect(loopback, port, net_forever);
        // The writer runs beside the body's reads: with both sides' buffers full, one thread
        // writing and then reading would wait on itself.
        auto writer = M::spawn([&]() -> task<M> {
          co_await c.write_all(sent.data(), size, net_forever);
          c.shutdown();
        });
        received = co_await c.read_exact(got.data(), size, net_forever);
        char extra = 0;
        after_end = co_await c.read_some(&extra, 1, net_forever);
        co_await writer.join();
        co_await server.join();
      });
      CHECK(received == size);
      CHECK(got == sent);
      CHECK(after_end == 0);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_net_one_mib, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: net: a peer that closes mid-read leaves what it sent, then end of file", M,
    async_net_peer_closes) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("peer closes mid-read", [](const run_options& options) {
      std::size_t got = 0;
      std::string text;
      M::run(options, [&]() -> task<M> {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto server = M::spawn([&]() -> task<M> {
          auto s = co_await l.accept(net_forever);
          co_await s.write_all("abc", 3, net_forever);
        });  // s destroyed: the descriptor is closed
        auto c = co_await M::connect(loopback, port, net_forever);
        char buf[10] = {};
        got = co_await c.read_exact(buf, sizeof buf, net_forever);
        text.assign(buf, got);
        co_await server.join();
      });
      CHECK(got == 3);
      CHECK(text == "abc");
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_net_peer_closes, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: net: deadlines on read and accept expire with timed_out",
                          M, async_net_deadlines) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("deadlines expire", [](const run_options& options) {
      std::errc read_error = std::errc();
      std::errc accept_error = std::errc();
      std::chrono::steady_clock::duration read_waited{};
      M::run(options, [&]() -> task<M> {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        typename M::template channel<int> done(1);
        auto server = M::spawn([&]() -> task<M> {
          auto s = co_await l.accept(net_forever);
          const std::optional<int> item = co_await done.pop();  // holds the connection open,
          static_cast<void>(item);                              // sending nothing
        });
        auto c = co_await M::connect(loopback, port, net_forever);
        const auto start = std::chrono::steady_clock::now();
        try {
          char buf[4];
          const std::size_t n =
              co_await c.read_some(buf, sizeof buf, start + std::chrono::milliseconds(50));
          static_cast<void>(n);
        } catch (const std::system_error& e) {
          read_error = errc_in(e);
        }
        read_waited = std::chrono::steady_clock::now() - start;
        co_await done.push(1);
        co_await server.join();
        try {
          auto s =
              co_await l.accept(std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
          static_cast<void>(s);
        } catch (const std::system_error& e) {
          accept_error = errc_in(e);
        }
      });
      CHECK(read_error == std::errc::timed_out);
      CHECK(read_waited >= std::chrono::milliseconds(50));
      CHECK(accept_error == std::errc::timed_out);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_net_deadlines, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: net: close() ends a blocked accept with operation_canceled", M,
    async_net_close_accept) {
  if constexpr (lacks_net<M>()) {
    skip_net<M>();
  } else {
    for_each_worker_count<M>("close ends accept", [](const run_options& options) {
      std::errc error = std::errc();
      M::run(options, [&]() -> task<M> {
        auto l = M::listener::bind(loopback, 0);
        std::atomic<bool> accepting{false};
        auto acceptor = M::spawn([&]() -> task<M> {
          accepting.store(true);
          try {
            auto s = co_await l.accept(net_forever);
            static_cast<void>(s);
          } catch (const std::system_error& e) {
            error = errc_in(e);
          }
        });
        co_await must_eventually_async<M>([&] { return accepting.load(); },
                                          "the acceptor did not start");
        co_await M::sleep_for(2ms);  // most runs: the acceptor is waiting in accept by now
        l.close();
        co_await acceptor.join();
      });
      CHECK(error == std::errc::operation_canceled);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_net_close_accept, stackless_models_under_test);

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

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: net: 1,000 connections at once, each echoed by its own thread", M,
    async_net_thousand) {
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
      M::run(options, [&]() -> task<M> {
        auto l = M::listener::bind(loopback, 0);
        const std::uint16_t port = l.local_port();
        auto acceptor = M::spawn([&]() -> task<M> {
          std::vector<typename M::thread> handlers;
          for (unsigned i = 0; i < connections; ++i) {
            auto accepted = co_await l.accept(net_forever);
            handlers.push_back(M::spawn([s = std::move(accepted), &served]() mutable -> task<M> {
              char buf[64];
              for (;;) {
                const std::size_t n = co_await s.read_some(buf, sizeof buf, net_forever);
                if (n == 0) break;
                co_await s.write_all(buf, n, net_forever);
              }
              served.fetch_add(1);
            }));
          }
          for (auto& h : handlers) co_await h.join();
        });
        std::vector<typename M::thread> clients;
        for (unsigned i = 0; i < connections; ++i) {
          clients.push_back(M::spawn([&, i]() -> task<M> {
            auto c = co_await M::connect(loopback, port, net_forever);
            const std::uint64_t mine = i;
            co_await c.write_all(reinterpret_cast<const char*>(&mine), sizeof mine, net_forever);
            co_await M::yield();  // let the others connect: every connection is open at once
            std::uint64_t back = 0;
            const std::size_t got =
                co_await c.read_exact(reinterpret_cast<char*>(&back), sizeof back, net_forever);
            if (got == sizeof back && back == mine) echoed++;
          }));
        }
        for (auto& t : clients) co_await t.join();
        co_await acceptor.join();
      });
      CHECK(echoed.load() == connections);
      CHECK(served.load() == connections);
    });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_net_thousand, stackless_models_under_test);

}  // namespace
}  // namespace threadlab::conformance
