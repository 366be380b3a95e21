// bench/workloads/http.hpp — an HTTP/1.1 keep-alive server under load from wrk.
//
// What it shows: the server people build with a threading model, driven by a load generator
// nobody here wrote. `GET /` answers `Hello, World!\n` (with Content-Length); any other target
// gets 404; a malformed request gets 400 and the connection is closed. Connections are kept
// alive (HTTP/1.1's default) unless the client asks otherwise.
//
// Parsing: Boost.Beast's http::request_parser (header-only, in Debian's Boost 1.74, so nothing
// new to install). It is incremental (it takes bytes as they arrive and says how many it used),
// checks the request line and headers against RFC 7230 strictly, and bounds what it buffers (8
// KiB of header, 1 MiB of body by default): the properties a server facing arbitrary input
// needs, which a parser written here would have to earn. libhttp-parser-dev would do as well,
// at the price of a package and a C callback interface.
//
// How: the body listens on 127.0.0.1 (a free port; the loopback only, never another
// interface) and serves through net_support::server (a thread per connection; a model with a
// server of its own uses that). Then it runs `wrk -t1 -c<size> -d<D>s --latency --timeout <T>s
// http://127.0.0.1:<port>/`, from Debian's wrk package, as a separate process, waits for it
// without blocking a worker, and parses its report. Without wrk the pair is skipped, saying
// so (scripts/deps.sh installs it). D is 1 s, plus 1 s per 2,000 connections: wrk opens every
// connection at once, and past the kernel's SYN backlog (net.ipv4.tcp_max_syn_backlog, 2,048
// on a stock Debian) the dropped handshakes are retried one and three seconds later. T, the
// longest a request may take before wrk counts it as an error, is 2 s, or D when longer: at
// 10,000 connections a request whose connection waited for a retried handshake is slow, and
// shows in the latency percentiles, but it is not lost.
//
// Coroutine form (run_async): the same wrk run and checks, served by a coroutine per connection
// (net_support::async_server), every read and write a co_await on the model's sockets.
//
// Checked: wrk ran to the end and counted no socket error (connect, read, write, timeout) and
// no non-2xx response: each of those makes the run an error, not a number; the server accepted
// every connection wrk opened.
// Reported: requests_per_s (headline), latency_p50_ns, latency_p90_ns, latency_p99_ns,
// transfer_bytes_per_s, connections.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "net_support.hpp"
#include "support.hpp"

namespace threadlab::workloads {

// http_protocol — one connection's side of the server: requests in, responses out. Bytes are
// kept until a request is complete (a request may arrive in pieces, or several in one read).
class http_protocol {
 public:
  static constexpr std::string_view hello =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, World!\n";
  static constexpr std::string_view not_found =
      "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnot found\n";
  static constexpr std::string_view bad_request =
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
      "Connection: close\r\n\r\nbad request\n";
  // max_pending — bytes kept while a request is incomplete: the parser's own header limit (8
  // KiB) and then some; more is answered 400 and closed, never buffered without bound.
  static constexpr std::size_t max_pending = 64 * 1024;

  // on_data(data, n, reply) — feed n bytes; append the responses of every request they
  // complete to reply. False: close the connection after reply (a malformed request, or the
  // client asked to close).
  bool on_data(const char* data, std::size_t n, std::string& reply) {
    pending_.append(data, n);
    std::size_t used = 0;
    bool keep = true;
    while (keep && used < pending_.size()) {
      boost::beast::error_code ec;
      const std::size_t took =
          parser_->put(boost::asio::buffer(pending_.data() + used, pending_.size() - used), ec);
      used += took;
      if (ec == boost::beast::http::error::need_more) break;
      if (ec) {
        reply.append(bad_request);
        return false;
      }
      if (!parser_->is_done()) {
        if (took == 0) break;
        continue;
      }
      const auto& request = parser_->get();
      const bool found =
          request.method() == boost::beast::http::verb::get && request.target() == "/";
      reply.append(found ? hello : not_found);
      keep = request.keep_alive();
      parser_ = std::make_unique<parser>();
    }
    pending_.erase(0, used);
    if (pending_.size() > max_pending) {
      reply.append(bad_request);
      return false;
    }
    return keep;
  }

 private:
  using parser = boost::beast::http::request_parser<boost::beast::http::empty_body>;
  std::string pending_;
  std::unique_ptr<parser> parser_ = std::make_unique<parser>();  // Beast's parser cannot move
};

// wrk_report — what wrk printed, parsed.
struct wrk_report {
  double requests_per_s = 0;
  double transfer_bytes_per_s = 0;
  double p50_ns = 0, p90_ns = 0, p99_ns = 0;
  std::uint64_t requests = 0;
  std::uint64_t socket_errors = 0;  // connect + read + write + timeout
  std::string socket_error_kinds;   // "connect 0, read 0, write 0, timeout 12", as wrk says it
  std::uint64_t non_2xx = 0;
};

// parse_wrk(text) — wrk 4's report (with --latency). Throws std::runtime_error, with a message
// of one line, naming what is missing or malformed when the text is not one; an accepted
// report's figures are finite and non-negative (tests/fuzz/wrk_output_fuzz.cpp checks both).
inline wrk_report parse_wrk(const std::string& text);

namespace wrk_text {

// one_line(text) — text for an error message: on one line (line breaks as " | ", other control
// characters as spaces) and about max_bytes bytes, cut between two UTF-8 characters, the rest
// replaced by "...".
inline std::string one_line(std::string_view text) {
  constexpr std::size_t max_bytes = 300;
  std::string out;
  for (const char c : text) {
    // A UTF-8 character has at most 3 continuation bytes; more is not UTF-8, cut anywhere.
    const bool continuation = (static_cast<unsigned char>(c) & 0xC0) == 0x80;
    if (out.size() >= max_bytes + (continuation ? 3 : 0)) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += " | ";
    } else {
      out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
  }
  return out;
}

// count(word, what) — word, all of it, as a non-negative integer; throws std::runtime_error
// naming what otherwise.
inline std::uint64_t count(std::string_view word, std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (word.empty() || ec != std::errc() || end != word.data() + word.size()) {
    throw std::runtime_error("http: wrk's " + std::string(what) + " is not a count: '" +
                             one_line(word) + "'");
  }
  return value;
}

// figure(word, what) — a wrk figure with its unit ("1.23ms", "8.57MB", "154.35") as a finite,
// non-negative number, times to ns and sizes to bytes; throws std::runtime_error naming what
// when word is not one.
inline double figure(std::string_view word, std::string_view what) {
  double value = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  const std::string_view unit(end, static_cast<std::size_t>(word.data() + word.size() - end));
  double scale = -1;
  for (const auto& [name, factor] : {std::pair<std::string_view, double>{"", 1},
                                     {"us", 1e3},
                                     {"ms", 1e6},
                                     {"s", 1e9},
                                     {"m", 60e9},
                                     {"B", 1},
                                     {"KB", 1024.0},
                                     {"MB", 1024.0 * 1024},
                                     {"GB", 1024.0 * 1024 * 1024}}) {
    if (unit == name) scale = factor;
  }
  value *= scale;
  if (word.empty() || ec != std::errc() || scale < 0 || !std::isfinite(value) || value < 0) {
    throw std::runtime_error("http: wrk's " + std::string(what) + " is not a figure: '" +
                             one_line(word) + "'");
  }
  return value;
}

}  // namespace wrk_text

struct http {
  static constexpr std::string_view name = "http";
  static constexpr std::string_view description =
      "HTTP/1.1 keep-alive hello server, a thread per connection, loaded by wrk: requests/s";
  static constexpr capability requires_caps = capability::net;
  // default_size — 64 connections (wrk -c64): many more than cores, few enough that every
  // model holds them; --size sets it.
  static constexpr std::uint64_t default_size = 64;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (connections).
  static constexpr std::uint64_t smoke_size = 8;
  static constexpr std::uint64_t trace_size = 4;
  // extra_threads — threads that are not connection handlers: the body and the acceptor.
  static constexpr std::uint64_t extra_threads = 2;
  // threads_at(size) — threads alive at once on a thread-per-connection server: one per
  // connection and the extra ones (bench/workload.hpp).
  static constexpr std::uint64_t threads_at(std::uint64_t size) { return size + extra_threads; }

  // wrk_seconds(connections) — how long wrk runs (see the file comment).
  static constexpr std::uint64_t wrk_seconds(std::uint64_t connections) {
    return 1 + connections / 2000;
  }
  // wrk_timeout_seconds(connections) — when wrk gives up on a request (see the file comment).
  static constexpr std::uint64_t wrk_timeout_seconds(std::uint64_t connections) {
    return std::max<std::uint64_t>(2, wrk_seconds(connections));
  }

  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const std::string wrk = find_wrk();
    sample s = net_support::plan_connections<M>(opts, size, name, extra_threads);
    const std::uint64_t connections = s.size;
    outcome out;
    M::run(opts, [&] {
      auto l = M::listener::bind(net_support::loopback, 0);
      net_support::server<M> srv(l, [] { return http_protocol{}; });
      net_support::child_process client(wrk_command(wrk, l.local_port(), connections));
      net_support::wait_for<M>(client, wrk_limit(connections), "wrk", [&] { return srv.failed(); });
      srv.end_if_failed(client);
      out.output = client.output();
      out.status = client.status();
      srv.stop();
      out.accepted = srv.accepted();
    });
    return report(std::move(s), out);
  }

  // run_async<M>(opts, size) — run's coroutine form: the same wrk run and checks, served by
  // net_support::async_server (a coroutine per connection, every read and write a co_await).
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    const std::string wrk = find_wrk();
    sample s = net_support::plan_connections<M>(opts, size, name, extra_threads);
    const std::uint64_t connections = s.size;
    outcome out;
    M::run(opts, [&]() -> task {
      net_support::async_server<M> srv(M::listener::bind(net_support::loopback, 0),
                                       [] { return http_protocol{}; });
      // wrk lives in the body given to serve_until: an error there kills it (its destructor),
      // which ends every connection, and the server is still stopped.
      co_await net_support::serve_until(srv, [&]() -> task {
        net_support::child_process client(wrk_command(wrk, srv.port(), connections));
        co_await net_support::wait_for_async<M>(client, wrk_limit(connections), "wrk",
                                                [&] { return srv.failed(); });
        co_await srv.end_if_failed(client);
        out.output = client.output();
        out.status = client.status();
      });
      out.accepted = srv.accepted();
    });
    return report(std::move(s), out);
  }

  // find_wrk() — wrk's path from PATH; throws cannot_run_here when it is not installed.
  static std::string find_wrk() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/wrk";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    throw cannot_run_here("wrk not installed (scripts/deps.sh installs it)");
  }

 private:
  // outcome — what one run's body hands to report.
  struct outcome {
    std::uint64_t accepted = 0;
    std::string output;  // wrk's report
    int status = 0;      // wrk's wait status
  };

  // wrk_command(wrk, port, connections) — wrk's command line (see the file comment).
  static std::vector<std::string> wrk_command(const std::string& wrk, std::uint16_t port,
                                              std::uint64_t connections) {
    return {wrk,
            "-t1",
            "-c" + std::to_string(connections),
            "-d" + std::to_string(wrk_seconds(connections)) + "s",
            "--latency",
            "--timeout",
            std::to_string(wrk_timeout_seconds(connections)) + "s",
            "http://127.0.0.1:" + std::to_string(port) + "/"};
  }
  // wrk_limit(connections) — how long wrk may run before the body gives up on it.
  static std::chrono::milliseconds wrk_limit(std::uint64_t connections) {
    return std::chrono::seconds(60 + 2 * wrk_seconds(connections));
  }

  // report(s, out) — both forms' checks and metrics.
  static sample report(sample s, const outcome& out) {
    const std::uint64_t connections = s.size;
    if (!WIFEXITED(out.status) || WEXITSTATUS(out.status) != 0) {
      throw wrong_result("http: wrk failed (status " + std::to_string(out.status) +
                         "): " + wrk_text::one_line(out.output));
    }
    const wrk_report r = parse_wrk(out.output);
    if (r.socket_errors != 0 || r.non_2xx != 0) {
      throw wrong_result("http: wrk counted " + support::grouped(r.socket_errors) +
                         " socket errors (" + r.socket_error_kinds + ") and " +
                         support::grouped(r.non_2xx) + " non-2xx responses");
    }
    if (r.requests == 0) throw wrong_result("http: wrk completed no request");
    if (out.accepted < connections) {
      support::fail("http: connections the server accepted", connections, out.accepted);
    }
    s.metrics = {
        support::metric("requests_per_s", "requests/s", r.requests_per_s, false),
        support::metric("latency_p50_ns", "ns", r.p50_ns),
        support::metric("latency_p90_ns", "ns", r.p90_ns),
        support::metric("latency_p99_ns", "ns", r.p99_ns),
        support::metric("transfer_bytes_per_s", "bytes/s", r.transfer_bytes_per_s, false),
        support::metric("connections", "connections", static_cast<double>(connections), false),
    };
    s.check = support::grouped(r.requests) + " requests from wrk over " +
              support::grouped(connections) + " connections, no socket error, all 2xx";
    return s;
  }
};

inline wrk_report parse_wrk(const std::string& text) {
  using wrk_text::count;
  using wrk_text::figure;
  wrk_report r;
  bool have_rps = false, have_requests = false, have_latency = false;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == "50%" || first == "90%" || first == "99%") {
      (first == "50%"   ? r.p50_ns
       : first == "90%" ? r.p90_ns
                        : r.p99_ns) = figure(second, first + " latency");
      have_latency = true;
    } else if (first == "Requests/sec:") {
      r.requests_per_s = figure(second, "Requests/sec");
      have_rps = true;
    } else if (first == "Transfer/sec:") {
      r.transfer_bytes_per_s = figure(second, "Transfer/sec");
    } else if (second == "requests" && line.find(" requests in ") != std::string::npos) {
      r.requests = count(first, "request count");
      have_requests = true;
    } else if (first == "Socket" && second == "errors:") {
      // Socket errors: connect 0, read 0, write 0, timeout 0
      r.socket_error_kinds = line.substr(line.find(':') + 1);
      r.socket_error_kinds.erase(0, r.socket_error_kinds.find_first_not_of(' '));
      std::string word;
      while (words >> word) {
        if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0]))) {
          if (word.back() == ',') word.pop_back();
          const std::uint64_t n = count(word, "socket error count");
          if (r.socket_errors + n < n)
            throw std::runtime_error("http: wrk's socket errors overflow");
          r.socket_errors += n;
        }
      }
    } else if (first == "Non-2xx") {  // Non-2xx or 3xx responses: 5
      const auto colon = line.rfind(':');
      if (colon == std::string::npos)
        throw std::runtime_error("http: wrk's Non-2xx line has no count");
      std::istringstream rest(line.substr(colon + 1));
      std::string n;
      rest >> n;
      r.non_2xx = count(n, "Non-2xx count");
    }
  }
  if (!have_rps || !have_requests || !have_latency) {
    throw std::runtime_error(
        "http: not a wrk --latency report (it needs 'Requests/sec:', 'N requests in' and the "
        "latency percentiles): " +
        wrk_text::one_line(text));
  }
  return r;
}

}  // namespace threadlab::workloads
