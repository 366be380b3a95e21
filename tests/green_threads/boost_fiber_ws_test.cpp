// tests/green_threads/boost_fiber_ws_test.cpp — the peer M:N adapter boost_fiber_ws: fibers
// really spread over M kernel threads, the world can be entered again and again (Boost 1.74's
// own work_stealing cannot: see green_threads/src/work_stealing.hpp), exceptions
// reach join and run.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench/models/boost_fiber_ws.hpp"

using threadlab::models::boost_fiber_ws;

namespace {

threadlab::run_options with_workers(unsigned m) {
  threadlab::run_options o;
  o.workers = m;
  return o;
}

// kernel_threads_seen(m) — runs 20 fibers that record their kernel thread and yield, until m
// distinct kernel threads have been seen or each fiber has yielded 100,000 times (the bound
// leaves time for a helper thread to be scheduled on a loaded machine), and returns how many
// distinct kernel threads were seen.
std::size_t kernel_threads_seen(unsigned m) {
  std::mutex seen_mutex;  // a kernel mutex: held only for an insert, never across a switch
  std::set<std::thread::id> seen;
  boost_fiber_ws::run(with_workers(m), [&] {
    std::vector<boost_fiber_ws::thread> threads;
    for (int i = 0; i < 20; ++i) {
      threads.push_back(boost_fiber_ws::spawn([&] {
        for (int k = 0; k < 100'000; ++k) {
          {
            std::lock_guard lock(seen_mutex);
            seen.insert(std::this_thread::get_id());
            if (seen.size() == m) break;
          }
          boost_fiber_ws::yield();
        }
      }));
    }
    for (auto& t : threads) t.join();
  });
  return seen.size();
}

}  // namespace

TEST_CASE("boost_fiber_ws: fibers run on 2 kernel threads with 2 workers") {
  CHECK(kernel_threads_seen(2) == 2);
}

// Regression: Boost's ready queue refuses to be stolen from when its front is a pinned
// context (often the worker's own dispatcher), so a fiber spinning without yielding hid body
// from the other worker and the two spinners below never met.
TEST_CASE("PinnedFrontBlocksSteal: two fibers spinning on each other run in parallel") {
  bool both_met = false;
  boost_fiber_ws::run(with_workers(2), [&] {
    std::atomic<bool> first_arrived = false;
    std::atomic<bool> second_arrived = false;
    // A generous bound so that a broken scheduler fails instead of hanging.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto spin_for = [&](const std::atomic<bool>& flag) {
      while (!flag.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() > give_up) return false;
      }
      return true;
    };
    bool first_met = false;
    bool second_met = false;
    auto first = boost_fiber_ws::spawn([&] {
      first_arrived.store(true, std::memory_order_release);
      first_met = spin_for(second_arrived);
    });
    auto second = boost_fiber_ws::spawn([&] {
      second_arrived.store(true, std::memory_order_release);
      second_met = spin_for(first_arrived);
    });
    first.join();
    second.join();
    both_met = first_met && second_met;
  });
  CHECK(both_met);
}

TEST_CASE("boost_fiber_ws: one worker keeps every fiber on one kernel thread") {
  CHECK(kernel_threads_seen(1) == 1);
}

TEST_CASE("boost_fiber_ws: run is repeatable, with the same and with different worker counts") {
  for (unsigned m : {2u, 2u, 2u, 1u, 3u, 2u}) {
    std::atomic<long> sum = 0;
    boost_fiber_ws::run(with_workers(m), [&] {
      boost_fiber_ws::channel<int> ch(16);
      std::vector<boost_fiber_ws::thread> producers;
      for (int p = 0; p < 4; ++p) {
        producers.push_back(boost_fiber_ws::spawn([&ch, p] {
          for (int i = 1; i <= 250; ++i) ch.push(p * 250 + i);
        }));
      }
      boost_fiber_ws::thread closer = boost_fiber_ws::spawn([&] {
        for (auto& t : producers) t.join();
        ch.close();
      });
      while (auto v = ch.pop()) sum += *v;
      closer.join();
    });
    CHECK(sum == 1000L * 1001 / 2);
  }
}

TEST_CASE("boost_fiber_ws: mutex and condition variable work across kernel threads") {
  constexpr int fibers = 16;
  constexpr int rounds = 100;
  long counter = 0;
  boost_fiber_ws::run(with_workers(2), [&] {
    boost_fiber_ws::mutex mu;
    boost_fiber_ws::condition_variable cv;
    int arrived = 0;
    std::vector<boost_fiber_ws::thread> threads;
    for (int i = 0; i < fibers; ++i) {
      threads.push_back(boost_fiber_ws::spawn([&] {
        {
          std::unique_lock lock(mu);
          if (++arrived == fibers) cv.notify_all();
          cv.wait(lock, [&] { return arrived == fibers; });
        }
        for (int r = 0; r < rounds; ++r) {
          std::lock_guard lock(mu);
          ++counter;
          if (r % 10 == 0) boost_fiber_ws::yield();
        }
      }));
    }
    for (auto& t : threads) t.join();
  });
  CHECK(counter == fibers * rounds);
}

TEST_CASE("boost_fiber_ws: exceptions reach join and run") {
  boost_fiber_ws::run(with_workers(2), [] {
    boost_fiber_ws::thread t = boost_fiber_ws::spawn([] {
      boost_fiber_ws::yield();
      throw std::runtime_error("from a stolen fiber");
    });
    CHECK_THROWS_WITH_AS(t.join(), "from a stolen fiber", std::runtime_error);
  });
  CHECK_THROWS_AS(boost_fiber_ws::run(with_workers(2), [] { throw std::domain_error("body"); }),
                  std::domain_error);
}

TEST_CASE("boost_fiber_ws: sleep_for and a tree of spawns") {
  long sum = 0;
  boost_fiber_ws::run(with_workers(2), [&] {
    boost_fiber_ws::sleep_for(std::chrono::milliseconds(2));
    std::vector<long> parts(100, 0);
    std::vector<boost_fiber_ws::thread> children;
    for (int i = 0; i < 100; ++i) {
      children.push_back(boost_fiber_ws::spawn([&parts, i] {
        std::vector<boost_fiber_ws::thread> leaves;
        std::vector<long> leaf(10, 0);
        for (int j = 0; j < 10; ++j) {
          leaves.push_back(boost_fiber_ws::spawn([&leaf, i, j] { leaf[j] = i * 10 + j; }));
        }
        for (auto& l : leaves) l.join();
        for (long v : leaf) parts[i] += v;
      }));
    }
    for (auto& c : children) c.join();
    for (long p : parts) sum += p;
  });
  CHECK(sum == 999L * 1000 / 2);
}

TEST_CASE("boost_fiber_ws: adapter facts") {
  CHECK(boost_fiber_ws::name == "boost_fiber_ws");
  CHECK(threadlab::has(boost_fiber_ws::capabilities, threadlab::capability::multicore));
  CHECK_FALSE(
      threadlab::has(boost_fiber_ws::capabilities, threadlab::capability::blocking_syscalls));
  CHECK(green_threads::worker_count(boost_fiber_ws::world_options(with_workers(3))) == 3);
  CHECK(green_threads::worker_count(boost_fiber_ws::world_options(with_workers(0))) >= 1);
  CHECK(boost_fiber_ws::configuration(with_workers(2)).find("2 kernel threads") !=
        std::string::npos);
}
