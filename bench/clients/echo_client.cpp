// bench/clients/echo_client.cpp — `threadlab-echo-client`, the load generator of the echo
// workload: the same program, in a process of its own, whatever model the server runs.
//
//   threadlab-echo-client --port P --connections N --millis D [--threads T] [--bytes B]
//                         [--idle-millis I]
//
// It opens N connections to 127.0.0.1:P (all of them before it starts counting) and sends one
// message on each, so that the server has seen every connection and is waiting on all of them.
// With I > 0 it then leaves them idle for I milliseconds and measures the CPU time the server
// (its parent process, through clock_getcpuclockid) used meanwhile: what a server costs while
// its connections wait, which should be nothing. Then for D
// milliseconds keeps every connection busy: T kernel threads with blocking sockets (the 1:1
// model, kept simple so it is the same yardstick for every server), each owning every T-th
// connection, send one B-byte message on each of their connections and then read each echo
// back, round after round. Every byte that comes back is checked against what was sent (each
// message carries its connection and sequence number). A round trip's latency runs from the
// send of its message to the end of its echo's read, so it includes the wait behind the other
// connections of the round: the latency of a server with N busy clients.
//
// Output, one JSON line on stdout:
//   {"round_trips": R, "seconds": S, "p50_ns": x, "p99_ns": y, "max_ns": z, "connections": N,
//    "idle_cpu_ns": C, "idle_ns": W}     (C and W are 0 without --idle-millis)
// Exit status: 0 when every echo was intact; 1 with one line on stderr naming the first wrong
// byte, a connection the server closed, or a socket error; 2 for a bad command line.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <latch>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <kernel_threads/net.hpp>
#include <kernel_threads/thread.hpp>

namespace {

using clock_type = std::chrono::steady_clock;

struct settings {
  std::uint16_t port = 0;
  unsigned connections = 64;
  unsigned millis = 1000;
  unsigned threads = 0;  // 0: min(connections, 32)
  unsigned bytes = 64;
  unsigned idle_millis = 0;  // 0: no idle phase
};

[[noreturn]] void usage(const std::string& what) {
  std::fprintf(stderr, "threadlab-echo-client: %s\n", what.c_str());
  std::exit(2);
}

unsigned number(std::string_view option, const char* text, unsigned lo, unsigned hi) {
  unsigned value = 0;
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < lo || value > hi) {
    usage("invalid " + std::string(option) + " '" + std::string(s) + "': expected " +
          std::to_string(lo) + " to " + std::to_string(hi));
  }
  return value;
}

settings parse(int argc, char** argv) {
  settings s;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view option = argv[i];
    if (i + 1 >= argc) usage("missing value after " + std::string(option));
    const char* value = argv[i + 1];
    if (option == "--port") {
      s.port = static_cast<std::uint16_t>(number(option, value, 1, 65535));
    } else if (option == "--connections") {
      s.connections = number(option, value, 1, 1'000'000);
    } else if (option == "--millis") {
      s.millis = number(option, value, 1, 3'600'000);
    } else if (option == "--threads") {
      s.threads = number(option, value, 1, 1024);
    } else if (option == "--bytes") {
      s.bytes = number(option, value, 16, 1 << 20);
    } else if (option == "--idle-millis") {
      s.idle_millis = number(option, value, 0, 3'600'000);
    } else {
      usage("unknown option '" + std::string(option) +
            "'; valid: --port, --connections, --millis, --threads, --bytes, --idle-millis");
    }
  }
  if (s.port == 0) usage("--port is required");
  if (s.threads == 0) s.threads = std::min(s.connections, 32u);
  s.threads = std::min(s.threads, s.connections);
  return s;
}

// fill(message, connection, sequence) — the message's bytes: its connection and sequence
// number, then a pattern derived from both, so that a byte from another message is caught.
void fill(std::vector<char>& message, std::uint32_t connection, std::uint32_t sequence) {
  std::memcpy(message.data(), &connection, 4);
  std::memcpy(message.data() + 4, &sequence, 4);
  for (std::size_t i = 8; i < message.size(); ++i) {
    message[i] = static_cast<char>(connection * 31 + sequence * 7 + i);
  }
}

// failure — the first thing that went wrong, from any thread.
struct failure {
  std::mutex mutex;
  std::string text;  // guarded by mutex
  std::atomic<bool> set{false};
  void report(std::string what) {
    const std::lock_guard guard(mutex);
    if (text.empty()) text = std::move(what);
    set.store(true);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const settings s = parse(argc, argv);
  // A descriptor per connection: lift the soft limit to the hard one.
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }

  failure failed;
  std::vector<std::vector<std::int64_t>> latencies(s.threads);
  std::vector<std::uint64_t> round_trips(s.threads, 0);
  std::barrier all_connected(static_cast<std::ptrdiff_t>(s.threads) + 1);
  std::latch go(1);  // the end of the idle phase
  std::atomic<bool> stop{false};

  auto client = [&](unsigned t) {
    std::vector<kernel_threads::net::stream> mine;
    std::vector<std::uint32_t> ids;
    try {
      for (unsigned c = t; c < s.connections; c += s.threads) {
        mine.push_back(kernel_threads::net::connect("127.0.0.1", s.port,
                                                    clock_type::now() + std::chrono::seconds(30)));
        ids.push_back(c);
      }
    } catch (const std::exception& e) {
      failed.report(std::string("connect: ") + e.what());
    }
    std::vector<char> message(s.bytes), echo(s.bytes);
    std::vector<clock_type::time_point> sent(mine.size());
    auto& lat = latencies[t];
    lat.reserve(1 << 16);
    // round(sequence, counted) — one message on each connection, then each echo read and
    // checked; false when something failed (reported).
    auto round = [&](std::uint32_t sequence, bool counted) {
      for (std::size_t k = 0; k < mine.size(); ++k) {
        fill(message, ids[k], sequence);
        sent[k] = clock_type::now();
        mine[k].write_all(message.data(), message.size());
      }
      for (std::size_t k = 0; k < mine.size(); ++k) {
        const std::size_t got = mine[k].read_exact(echo.data(), echo.size());
        const auto now = clock_type::now();
        if (got != echo.size()) {
          failed.report("connection " + std::to_string(ids[k]) + ": the server closed it after " +
                        std::to_string(got) + " of " + std::to_string(echo.size()) +
                        " bytes of an echo");
          return false;
        }
        fill(message, ids[k], sequence);
        if (std::memcmp(message.data(), echo.data(), echo.size()) != 0) {
          const auto at =
              std::mismatch(message.begin(), message.end(), echo.begin()).first - message.begin();
          failed.report("connection " + std::to_string(ids[k]) + ", message " +
                        std::to_string(sequence) + ": byte " + std::to_string(at) +
                        " came back wrong");
          return false;
        }
        if (counted) {
          lat.push_back(
              std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent[k]).count());
          ++round_trips[t];
        }
      }
      return true;
    };
    bool ok = true;
    try {
      // The first round, not counted: the server has met every connection.
      if (!failed.set) ok = round(0, false);
    } catch (const std::exception& e) {
      failed.report(e.what());
    }
    all_connected.arrive_and_wait();
    go.wait();
    if (!ok) return;
    try {
      for (std::uint32_t sequence = 1; !stop.load(std::memory_order_relaxed) && !failed.set;
           ++sequence) {
        if (!round(sequence, true)) return;
      }
    } catch (const std::exception& e) {
      failed.report(e.what());
    }
  };

  std::vector<kernel_threads::thread> threads;
  threads.reserve(s.threads);
  for (unsigned t = 0; t < s.threads; ++t) {
    threads.emplace_back(kernel_threads::thread_options{.stack_size = 256 * 1024}, client, t);
  }
  all_connected.arrive_and_wait();
  std::int64_t idle_cpu_ns = 0, idle_ns = 0;
  if (s.idle_millis > 0 && !failed.set) {
    // Every handler has answered once and waits for more: let the server settle, then see what
    // it spends while nothing happens.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    clockid_t server_clock{};
    if (const int rc = ::clock_getcpuclockid(::getppid(), &server_clock); rc != 0) {
      failed.report(std::string("clock_getcpuclockid(server): ") + std::strerror(rc));
    } else {
      auto cpu_now = [&] {
        timespec ts{};
        ::clock_gettime(server_clock, &ts);
        return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
      };
      const std::int64_t cpu_before = cpu_now();
      const auto wall_before = clock_type::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(s.idle_millis));
      idle_cpu_ns = cpu_now() - cpu_before;
      idle_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - wall_before)
              .count();
    }
  }
  go.count_down();
  const auto start = clock_type::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(s.millis));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();

  if (failed.set) {
    std::fprintf(stderr, "threadlab-echo-client: %s\n", failed.text.c_str());
    return 1;
  }
  std::vector<std::int64_t> all;
  std::uint64_t total = 0;
  for (unsigned t = 0; t < s.threads; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    total += round_trips[t];
  }
  if (all.empty()) {
    std::fprintf(stderr, "threadlab-echo-client: no round trip completed in %u ms\n", s.millis);
    return 1;
  }
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(all.size() - 1));
    std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
    return all[k];
  };
  const std::int64_t p50 = at(0.50);
  const std::int64_t p99 = at(0.99);
  const std::int64_t max = *std::max_element(all.begin(), all.end());
  std::printf(
      "{\"round_trips\": %llu, \"seconds\": %.6f, \"p50_ns\": %lld, \"p99_ns\": %lld, "
      "\"max_ns\": %lld, \"connections\": %u, \"idle_cpu_ns\": %lld, \"idle_ns\": %lld}\n",
      static_cast<unsigned long long>(total), seconds, static_cast<long long>(p50),
      static_cast<long long>(p99), static_cast<long long>(max), s.connections,
      static_cast<long long>(idle_cpu_ns), static_cast<long long>(idle_ns));
  return 0;
}
