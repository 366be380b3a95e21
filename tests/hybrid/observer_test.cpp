// tests/hybrid/observer_test.cpp — every state transition reaches an installed observer (none
// does in a build with THREADLAB_TRACE_HOOKS=0).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

#include <hybrid/channel.hpp>
#include <hybrid/observer.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {
struct recorder : hybrid::observer {
  std::mutex m;
  std::map<std::uint64_t, std::vector<hybrid::thread_state>> states;
  std::vector<std::int64_t> stamps;
  unsigned max_worker = 0;
  void on_transition(const hybrid::transition& t) noexcept override {
    std::lock_guard<std::mutex> g(m);
    states[t.thread_id].push_back(t.state);
    stamps.push_back(t.timestamp_ns);
    if (t.worker_id > max_worker) max_worker = t.worker_id;
  }
};
}  // namespace

TEST_CASE("observer: a thread that blocks goes new, ready/running, blocked, ..., terminated") {
  recorder rec;
  hybrid::options o = hybrid_test::with_workers(2);
  o.observer = &rec;
  std::uint64_t id = 0;
  hybrid::run(o, [&] {
    hybrid::channel<int> ch(1);
    auto t = hybrid::spawn([&] { ch.pop(); });
    id = t.id();
    hybrid::this_thread::sleep_for(std::chrono::milliseconds(2));
    ch.push(1);
    t.join();
  });
  if constexpr (!hybrid::hooks_compiled) {
    // Built with THREADLAB_TRACE_HOOKS=0: the hooks are gone, the observer hears nothing.
    CHECK(rec.states.empty());
    return;
  }
  using S = hybrid::thread_state;
  const auto& seq = rec.states[id];
  REQUIRE(seq.size() >= 5);
  CHECK(seq.front() == S::created);
  CHECK(seq.back() == S::terminated);
  CHECK(std::count(seq.begin(), seq.end(), S::blocked) >= 1);
  CHECK(std::count(seq.begin(), seq.end(), S::running) >= 2);
  // A blocked thread is made ready before it runs again.
  for (std::size_t i = 1; i < seq.size(); ++i) {
    if (seq[i] == S::running) CHECK((seq[i - 1] == S::ready || seq[i - 1] == S::created));
  }
  CHECK(rec.max_worker < 2);
  CHECK(rec.stamps.size() > 5);
}

TEST_CASE("observer: without one installed nothing is recorded and runs work") {
  hybrid::options o = hybrid_test::with_workers(2);
  CHECK(o.observer == nullptr);
  int n = 0;
  hybrid::run(o, [&] { hybrid::spawn([&] { ++n; }).join(); });
  CHECK(n == 1);
}
