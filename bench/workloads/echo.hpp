// bench/workloads/echo.hpp — a TCP echo server under load from another process.
//
// What it shows: a server that gives each connection a thread of its own, the shape every model
// promises to make cheap: many connections, most of them waiting. Kernel threads wait in the
// kernel, fibers in a poller; the load is the same for every model.
//
// How: the body listens on 127.0.0.1 (a free port) and serves through net_support::server
// (a thread per connection echoing what it reads; a model with its own server shape, such as a
// reactor, uses that). Then it starts `threadlab-echo-client` (bench/clients/echo_client.cpp):
// `size` connections (default 64), all opened first and each used once, then left idle for
// `idle_window`, then kept busy for `window` with 64-byte messages, every echoed byte checked. The
// body waits for the client without blocking a worker (net_support::wait_for), then closes the
// listener and joins the server.
//
// The server needs a descriptor per connection: RLIMIT_NOFILE is raised to its hard limit, and
// a size that even that cannot hold is an error before anything runs. A model serving a thread
// per connection whose thread_limit cannot hold them all (kernel threads: 10,000) runs fewer
// connections, marked scaled; a model with a server of its own (kernel_pool's reactor) is not.
//
// Measured by the client: the server process's CPU time during the idle window (a server
// whose connections all wait should spend none: a busy-polling one spends a core), round trips
// in the busy window, and each round trip's latency (its send to the end of its echo's read).
// By the server: resident memory before the first connection and once every connection is
// established.
// Checked: the client exits 0 (every byte of every echo intact, no connection dropped), and the
// server accepted exactly the connections asked for.
// Coroutine form (run_async): the same client, sizes and checks, served by a coroutine per
// connection (net_support::async_server), every read and write a co_await on the model's
// sockets.
//
// Reported: round_trips_per_s (headline), latency_p50_ns, latency_p99_ns, latency_max_ns,
// rss_bytes_per_connection, idle_cpu_percent (of one core), connections.
#pragma once

#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "net_support.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct echo {
  static constexpr std::string_view name = "echo";
  static constexpr std::string_view description =
      "TCP echo, a thread per connection, 64-byte messages from another process: round trips/s";
  static constexpr capability requires_caps = capability::net;
  // default_size — 64 connections: more than cores, few enough that every model holds them.
  static constexpr std::uint64_t default_size = 64;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (connections).
  static constexpr std::uint64_t smoke_size = 8;
  static constexpr std::uint64_t trace_size = 4;
  // window — how long the client keeps every connection busy: long enough for hundreds of
  // thousands of round trips on a user-space model, short enough for the default comparison.
  static constexpr std::chrono::milliseconds window{1000};
  // idle_window — how long every connection sits idle while the server's CPU time is measured.
  static constexpr std::chrono::milliseconds idle_window{300};
  // message_bytes — each message's size.
  static constexpr unsigned message_bytes = 64;
  // extra_threads — threads of the model that are not connection handlers: the body and the
  // acceptor.
  static constexpr std::uint64_t extra_threads = 2;
  // threads_at(size) — threads alive at once on a thread-per-connection server: one per
  // connection and the extra ones (bench/workload.hpp).
  static constexpr std::uint64_t threads_at(std::uint64_t size) { return size + extra_threads; }

  // echo_protocol — every byte received is sent back.
  struct echo_protocol {
    bool on_data(const char* data, std::size_t n, std::string& reply) {
      reply.append(data, n);
      return true;
    }
  };

  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    sample s = net_support::plan_connections<M>(opts, size, name, extra_threads);
    const std::uint64_t connections = s.size;
    outcome out;
    M::run(opts, [&] {
      auto l = M::listener::bind(net_support::loopback, 0);
      const support::process_pages before = support::pages_before_growth();
      net_support::server<M> srv(l, [] { return echo_protocol{}; });
      net_support::child_process client(client_command(l.local_port(), connections));
      // Every connection established: the server's memory with all of them open.
      for (const auto give_up = give_up_at(); !all_open(srv, client, connections, give_up);) {
        M::sleep_for(std::chrono::milliseconds(1));
      }
      srv.end_if_failed(client);
      out.rss_per_connection = rss_per_connection(before, connections);
      net_support::wait_for<M>(client, client_limit(), "the echo client",
                               [&] { return srv.failed(); });
      srv.end_if_failed(client);
      out.output = client.output();
      out.status = client.status();
      srv.stop();
      out.accepted = srv.accepted();
    });
    return report(std::move(s), out);
  }

  // run_async<M>(opts, size) — run's coroutine form: the same client, sizes and checks, served by
  // net_support::async_server (a coroutine per connection, every read and write a co_await).
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    sample s = net_support::plan_connections<M>(opts, size, name, extra_threads);
    const std::uint64_t connections = s.size;
    outcome out;
    M::run(opts, [&]() -> task {
      const support::process_pages before = support::pages_before_growth();
      net_support::async_server<M> srv(M::listener::bind(net_support::loopback, 0),
                                       [] { return echo_protocol{}; });
      // The client lives in the body given to serve_until: an error there kills it (its
      // destructor), which ends every connection, and the server is still stopped.
      co_await net_support::serve_until(srv, [&]() -> task {
        net_support::child_process client(client_command(srv.port(), connections));
        for (const auto give_up = give_up_at(); !all_open(srv, client, connections, give_up);) {
          co_await M::sleep_for(std::chrono::milliseconds(1));
        }
        co_await srv.end_if_failed(client);
        out.rss_per_connection = rss_per_connection(before, connections);
        co_await net_support::wait_for_async<M>(client, client_limit(), "the echo client",
                                                [&] { return srv.failed(); });
        co_await srv.end_if_failed(client);
        out.output = client.output();
        out.status = client.status();
      });
      out.accepted = srv.accepted();
    });
    return report(std::move(s), out);
  }

 private:
  // outcome — what one run's body hands to report.
  struct outcome {
    double rss_per_connection = 0;
    std::uint64_t accepted = 0;
    std::string output;  // the client's JSON
    int status = 0;      // the client's wait status
  };

  // client_command(port, connections) — the echo client's command line.
  static std::vector<std::string> client_command(std::uint16_t port, std::uint64_t connections) {
    return {net_support::tool_path("threadlab-echo-client"),
            "--port",
            std::to_string(port),
            "--connections",
            std::to_string(connections),
            "--millis",
            std::to_string(window.count()),
            "--bytes",
            std::to_string(message_bytes),
            "--idle-millis",
            std::to_string(idle_window.count())};
  }

  // give_up_at() — how long the body waits for every connection to be accepted: a minute.
  static std::chrono::steady_clock::time_point give_up_at() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(60);
  }
  // all_open(srv, client, connections, give_up) — stop waiting for connections: all accepted,
  // or the client or the server ended, or give_up passed.
  template <class Server>
  static bool all_open(const Server& srv, net_support::child_process& client,
                       std::uint64_t connections, std::chrono::steady_clock::time_point give_up) {
    return srv.accepted() >= connections || client.finished() || srv.failed() ||
           std::chrono::steady_clock::now() >= give_up;
  }
  // rss_per_connection(before, connections) — resident memory added since before, per
  // connection.
  static double rss_per_connection(const support::process_pages& before,
                                   std::uint64_t connections) {
    const support::process_pages all_open = support::read_process_pages();
    return support::pages_per_unit_in_bytes(before.resident_pages, all_open.resident_pages,
                                            connections);
  }
  // client_limit() — how long the client may run before the body gives up on it.
  static std::chrono::milliseconds client_limit() {
    return idle_window + window + std::chrono::seconds(120);
  }

  // report(s, out) — both forms' checks and metrics.
  static sample report(sample s, const outcome& out) {
    const std::uint64_t connections = s.size;
    if (!WIFEXITED(out.status) || WEXITSTATUS(out.status) != 0) {
      throw wrong_result("echo: the client failed (status " + std::to_string(out.status) +
                         "); its last words are on stderr");
    }
    const nlohmann::json r = nlohmann::json::parse(out.output);
    support::expect_equal("echo: connections accepted", connections, out.accepted);
    const double seconds = r.at("seconds").get<double>();
    const auto trips = r.at("round_trips").get<std::uint64_t>();
    if (trips == 0) throw wrong_result("echo: no round trip completed");
    const auto idle_ns = r.at("idle_ns").get<double>();
    if (idle_ns <= 0) throw wrong_result("echo: the client measured no idle window");
    const double idle_cpu_percent = 100.0 * r.at("idle_cpu_ns").get<double>() / idle_ns;
    s.metrics = {
        support::metric("round_trips_per_s", "round trips/s", trips / seconds, false),
        support::metric("latency_p50_ns", "ns", r.at("p50_ns").get<double>()),
        support::metric("latency_p99_ns", "ns", r.at("p99_ns").get<double>()),
        support::metric("latency_max_ns", "ns", r.at("max_ns").get<double>()),
        support::metric("rss_bytes_per_connection", "bytes", out.rss_per_connection),
        support::metric("idle_cpu_percent", "% of a core", idle_cpu_percent),
        support::metric("connections", "connections", static_cast<double>(connections), false),
    };
    s.check = support::grouped(trips) + " round trips over " + support::grouped(connections) +
              " connections, every echoed byte checked by the client";
    return s;
  }
};

}  // namespace threadlab::workloads
