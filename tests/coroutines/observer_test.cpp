// tests/coroutines/observer_test.cpp — the observer sees every thread go through the five states
// in a legal order, with what a blocked thread waits for.
#include <doctest/doctest.h>

#include <coroutines/channel.hpp>
#include <coroutines/observer.hpp>
#include <coroutines/runtime.hpp>
#include <coroutines/sync.hpp>
#include <coroutines/thread.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "support.hpp"

namespace {
using coroutines::task;
using coroutines::thread_state;
using coroutines::wait_kind;

class recorder : public coroutines::observer {
 public:
  void on_transition(const coroutines::transition& t) noexcept override {
    const std::lock_guard<std::mutex> hold(mutex_);
    by_thread[t.thread_id].push_back(t);
  }
  std::map<std::uint64_t, std::vector<coroutines::transition>> by_thread;

 private:
  std::mutex mutex_;
};

// legal(from, to) — the transitions a thread may make.
bool legal(thread_state from, thread_state to) {
  switch (from) {
    case thread_state::created:
      return to == thread_state::running;
    case thread_state::ready:
      return to == thread_state::running;
    case thread_state::running:
      return to == thread_state::ready || to == thread_state::blocked ||
             to == thread_state::terminated;
    case thread_state::blocked:
      return to == thread_state::ready;
    case thread_state::terminated:
      return false;
  }
  return false;
}
}  // namespace

TEST_CASE("coroutines: every thread's transitions are legal, from created to terminated") {
  if (!coroutines::hooks_compiled) return;
  for (unsigned workers : coroutines_test::worker_counts) {
    CAPTURE(workers);
    recorder r;
    coroutines::options o = coroutines_test::with_workers(workers);
    o.observer = &r;
    coroutines::run(o, [&]() -> task<void> {
      coroutines::channel<int> ch(1);
      coroutines::mutex m;
      auto consumer = coroutines::spawn([&]() -> task<void> {
        while (co_await ch.pop()) {
        }
      });
      auto sleeper = coroutines::spawn(
          []() -> task<void> { co_await coroutines::sleep_for(std::chrono::milliseconds(1)); });
      for (int i = 0; i < 10; ++i) {
        co_await m.lock();
        co_await coroutines::yield();
        m.unlock();
        co_await ch.push(i);
      }
      ch.close();
      co_await consumer;
      co_await sleeper;
    });
    REQUIRE(r.by_thread.size() == 3);
    std::set<wait_kind> waits;
    for (const auto& entry : r.by_thread) {
      const std::uint64_t id = entry.first;  // not a structured binding: CAPTURE's lambda takes it
      const auto& list = entry.second;
      CAPTURE(id);
      REQUIRE(list.size() >= 3);
      CHECK(list.front().state == thread_state::created);
      CHECK(list.back().state == thread_state::terminated);
      for (std::size_t i = 1; i < list.size(); ++i) {
        CAPTURE(i);
        CHECK(legal(list[i - 1].state, list[i].state));
        CHECK(list[i - 1].timestamp_ns <= list[i].timestamp_ns);
        CHECK(list[i].worker_id < workers);
        if (list[i].state == thread_state::blocked) waits.insert(list[i].waiting);
      }
    }
    CHECK(waits.count(wait_kind::channel) == 1);
    CHECK(waits.count(wait_kind::join) == 1);
    CHECK(waits.count(wait_kind::sleep) == 1);
  }
}
