// tests/soak/socket_activity.hpp — the model's sockets (net_model): an echo server over the
// loopback, every byte of every connection checked, every descriptor closed.
//
// How (socket_plan): the root listens on 127.0.0.1 (a port the kernel picks) and spawns an
// acceptor, which accepts `connections` connections and gives each a handler thread echoing
// what it reads until end of file. `connections` client threads each connect, send `bytes`
// bytes of a pattern drawn from the seed in chunks of 1 to `chunk` bytes, read each chunk's
// echo before sending the next (so no buffer ever fills both ways), then shut down their side
// and must read end of file. Every blocking call has a deadline (`patience`): a lost wake-up
// becomes a timed_out note naming the call, not a hang. When the clients are done, the root
// closes the listener (ending the accept of a connection that never came) and joins the
// acceptor, which joins its handlers. Every descriptor is owned by a handle and closed when it
// goes: the soak's descriptor count says whether any stays open.
//
// Checked, after M::run: the acceptor accepted every connection; every handler served every
// byte and ended at end of file; every client got every byte back intact and then end of file.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

class socket_activity {
 public:
  // patience — every socket call's deadline, from the activity's start: far above what a
  // correct model needs (milliseconds), well below the soak's stall limit.
  static constexpr std::chrono::seconds patience{20};

  socket_activity(const socket_plan& p, std::string name) : plan_(p), name_(std::move(name)) {}

  // run<M>() — the activity's root thread. Never throws.
  template <model M>
  void run() {
    if constexpr (net_model<M>) {
      guarded(notes_, "root", [&] { run_root<M>(); });
    } else {
      notes_.add("planned on a model without sockets");
    }
  }

  void check(findings& out) const {
    notes_.copy_to(out, name_);
    const std::uint64_t total = std::uint64_t{plan_.connections} * plan_.bytes;
    expect_equal(out, name_, "connections accepted", plan_.connections, accepted_.load());
    expect_equal(out, name_, "handlers that reached end of file", plan_.connections,
                 handlers_done_.load());
    expect_equal(out, name_, "bytes served", total, served_.load());
    expect_equal(out, name_, "bytes echoed back", total, echoed_.load());
    expect_equal(out, name_, "echoed bytes that differ", 0, corrupt_.load());
    expect_equal(out, name_, "clients that read end of file", plan_.connections,
                 clients_done_.load());
  }

  std::string progress() const {
    return name_ + ": " + std::to_string(accepted_.load()) + " accepted, " +
           std::to_string(served_.load()) + " bytes served, " + std::to_string(echoed_.load()) +
           " echoed, " + std::to_string(clients_done_.load()) + " clients done";
  }

 private:
  static constexpr std::string_view loopback = "127.0.0.1";

  template <model M>
  void run_root() {
    const net_deadline deadline = std::chrono::steady_clock::now() + patience;
    auto listener = M::listener::bind(loopback, 0);
    const std::uint16_t port = listener.local_port();
    thread_list<M> acceptor;
    thread_list<M> clients;
    acceptor.spawn([this, &listener, deadline] {
      guarded(notes_, "acceptor", [&] { accept_all<M>(listener, deadline); });
    });
    for (unsigned c = 0; c < plan_.connections; ++c) {
      clients.spawn([this, port, deadline, c] {
        guarded(notes_, "client " + std::to_string(c), [&] { talk<M>(port, deadline, c); });
      });
    }
    join_all_noting(clients, notes_, "client");
    listener.close();
    join_all_noting(acceptor, notes_, "acceptor");
  }

  template <model M>
  void accept_all(typename M::listener& listener, net_deadline deadline) {
    thread_list<M> handlers;
    for (unsigned k = 0; k < plan_.connections; ++k) {
      typename M::stream s = listener.accept(deadline);
      accepted_.fetch_add(1, std::memory_order_relaxed);
      handlers.spawn([this, s = std::move(s), deadline, k]() mutable {
        guarded(notes_, "handler " + std::to_string(k), [&] { echo<M>(s, deadline); });
      });
    }
    join_all_noting(handlers, notes_, "handler");
  }

  template <model M>
  void echo(typename M::stream& s, net_deadline deadline) {
    std::vector<char> buf(4096);
    while (const std::size_t n = s.read_some(buf.data(), buf.size(), deadline)) {
      served_.fetch_add(n, std::memory_order_relaxed);
      s.write_all(buf.data(), n, deadline);
    }
    handlers_done_.fetch_add(1, std::memory_order_relaxed);
  }

  template <model M>
  void talk(std::uint16_t port, net_deadline deadline, unsigned c) {
    rng r(plan_.seed ^ mix(c + 1));
    std::vector<char> sent(plan_.bytes);
    for (char& b : sent) b = static_cast<char>(r.next());
    std::vector<char> got(plan_.chunk);
    typename M::stream s = M::connect(loopback, port, deadline);
    for (std::size_t at = 0; at < sent.size();) {
      const std::size_t n = std::min<std::size_t>(r.between(1, plan_.chunk), sent.size() - at);
      s.write_all(sent.data() + at, n, deadline);
      const std::size_t back = s.read_exact(got.data(), n, deadline);
      for (std::size_t i = 0; i < back; ++i) {
        if (got[i] != sent[at + i]) corrupt_.fetch_add(1, std::memory_order_relaxed);
      }
      echoed_.fetch_add(back, std::memory_order_relaxed);
      if (back != n) {
        notes_.add("client " + std::to_string(c) + ": end of file after " +
                   std::to_string(at + back) + " of " + std::to_string(sent.size()) + " bytes");
        return;
      }
      at += n;
    }
    s.shutdown();
    char extra = 0;
    if (s.read_some(&extra, 1, deadline) == 0) {
      clients_done_.fetch_add(1, std::memory_order_relaxed);
    } else {
      notes_.add("client " + std::to_string(c) + ": a byte after its echo, not end of file");
    }
  }

  const socket_plan plan_;
  const std::string name_;
  notes notes_;
  // Observed; read by check() after M::run and by progress() at any time.
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> handlers_done_{0};
  std::atomic<std::uint64_t> echoed_{0};
  std::atomic<std::uint64_t> corrupt_{0};
  std::atomic<std::uint64_t> clients_done_{0};
};

}  // namespace threadlab::soak
