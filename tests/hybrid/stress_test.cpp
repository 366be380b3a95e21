// tests/hybrid/stress_test.cpp — randomized programs (several seeds, 1/2/4 workers) mixing
// spawn, yield, channels, mutexes and joins; checks that nothing is lost: every message is
// received exactly once, every thread is joined once, every counter is exact.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <random>
#include <vector>

#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {

struct outcome {
  std::vector<std::atomic<int>> received;  // per message: times received
  std::atomic<long> helpers_finished{0};
  long locked_counter = 0;  // guarded by the run's mutex
  long expected_locked = 0;
  std::atomic<long> joins{0};
  explicit outcome(std::size_t messages) : received(messages) {}
};

void random_program(unsigned seed, unsigned workers) {
  std::mt19937 rng(seed);
  const int producers = 2 + static_cast<int>(rng() % 5);
  const int consumers = 1 + static_cast<int>(rng() % 4);
  const int per_producer = 300 + static_cast<int>(rng() % 700);
  const std::size_t capacity = 1 + rng() % 8;
  const unsigned program_seed = static_cast<unsigned>(rng());
  outcome out(static_cast<std::size_t>(producers * per_producer));
  long spawned_helpers = 0;

  hybrid::run(hybrid_test::with_workers(workers), [&] {
    hybrid::channel<int> ch(capacity);
    hybrid::mutex m;
    std::vector<hybrid::thread> ps, cs;
    std::vector<long> helpers_per_producer(producers, 0);
    for (int c = 0; c < consumers; ++c) {
      cs.push_back(hybrid::spawn([&, c] {
        std::minstd_rand r(program_seed + 1000 + c);
        while (auto v = ch.pop()) {
          out.received[*v].fetch_add(1);
          if (r() % 16 == 0) hybrid::this_thread::yield();
        }
      }));
    }
    for (int p = 0; p < producers; ++p) {
      ps.push_back(hybrid::spawn([&, p] {
        std::minstd_rand r(program_seed + p);
        std::vector<hybrid::thread> helpers;
        for (int i = 0; i < per_producer; ++i) {
          ch.push(p * per_producer + i);
          switch (r() % 8) {
            case 0:
              hybrid::this_thread::yield();
              break;
            case 1: {
              std::lock_guard<hybrid::mutex> g(m);
              ++out.locked_counter;
              ++out.expected_locked;
              break;
            }
            case 2:
              ++helpers_per_producer[p];
              helpers.push_back(hybrid::spawn([&] {
                {
                  std::lock_guard<hybrid::mutex> g(m);
                  ++out.locked_counter;
                  ++out.expected_locked;
                }
                out.helpers_finished.fetch_add(1);
              }));
              break;
            default:
              break;
          }
          if (helpers.size() > 8) {
            for (auto& h : helpers) {
              h.join();
              out.joins.fetch_add(1);
            }
            helpers.clear();
          }
        }
        for (auto& h : helpers) {
          h.join();
          out.joins.fetch_add(1);
        }
      }));
    }
    for (auto& t : ps) t.join();
    ch.close();
    for (auto& t : cs) t.join();
    for (long h : helpers_per_producer) spawned_helpers += h;
  });

  int lost = 0, duplicated = 0;
  for (auto& r : out.received) {
    lost += r.load() == 0;
    duplicated += r.load() > 1;
  }
  CHECK(lost == 0);
  CHECK(duplicated == 0);
  CHECK(out.helpers_finished.load() == spawned_helpers);
  CHECK(out.joins.load() == spawned_helpers);
  CHECK(out.locked_counter == out.expected_locked);
}

}  // namespace

TEST_CASE("stress: random programs lose nothing") {
  for (unsigned workers : hybrid_test::worker_counts) {
    for (unsigned seed : {1u, 2u, 3u, 4u}) {
      CAPTURE(workers);
      CAPTURE(seed);
      random_program(seed, workers);
    }
  }
}

TEST_CASE("stress: spawn trees (skynet-like) sum exactly") {
  struct tree {
    static long node(long id, int depth) {
      if (depth == 0) return id;
      hybrid::channel<long> results(10);
      std::vector<hybrid::thread> kids;
      for (int i = 0; i < 10; ++i) {
        kids.push_back(hybrid::spawn(
            [&results, id, i, depth] { results.push(node(id * 10 + i, depth - 1)); }));
      }
      long sum = 0;
      for (int i = 0; i < 10; ++i) sum += *results.pop();
      for (auto& k : kids) k.join();
      return sum;
    }
  };
  // 10,000 leaves; 1,000 under ThreadSanitizer (support.hpp says why).
  const int depth = hybrid_test::thread_sanitizer ? 3 : 4;
  long leaves = 1;
  for (int d = 0; d < depth; ++d) leaves *= 10;
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    long sum = 0;
    hybrid::stats st =
        hybrid::run(hybrid_test::with_workers(workers), [&] { sum = tree::node(0, depth); });
    CHECK(sum == (leaves - 1) * leaves / 2);
    // Every node below the body (10 + 100 + ... + leaves), plus the body.
    CHECK(st.threads_spawned == static_cast<std::uint64_t>((leaves * 10 - 1) / 9));
  }
}
