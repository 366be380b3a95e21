// tests/conformance/thread_test.cpp — a thread's life on every model: spawn and join, exceptions
// reaching join and run, threads that spawn threads, and many threads alive at once.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

TEST_CASE_TEMPLATE_DEFINE("spawn and join: the thread ran and its writes are visible after join", M,
                          spawn_and_join) {
  for_each_worker_count<M>("spawn and join", [](const run_options& options) {
    constexpr std::size_t thread_count = 8;
    // Plain, not atomic: join is what must make the threads' writes visible.
    std::array<std::uint64_t, thread_count> written{};
    std::array<std::uint64_t, thread_count> seen_after_join{};
    M::run(options, [&] {
      std::vector<typename M::thread> threads;
      for (std::size_t i = 0; i < thread_count; ++i) {
        threads.push_back(M::spawn([&written, i] { written[i] = i * i + 1; }));
      }
      for (auto& thread : threads) thread.join();
      seen_after_join = written;
    });
    for (std::size_t i = 0; i < thread_count; ++i) {
      CHECK(seen_after_join[i] == i * i + 1);
    }
  });
}
TEST_CASE_TEMPLATE_APPLY(spawn_and_join, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("join rethrows the thread's exception with its type and message", M,
                          join_rethrows) {
  for_each_worker_count<M>("join rethrows", [](const run_options& options) {
    bool caught_as_thrown = false;
    bool caught_something_else = false;
    std::string message;
    bool sibling_ran = false;
    M::run(options, [&] {
      auto failing = M::spawn([] { throw conformance_error("thrown by the thread"); });
      auto sibling = M::spawn([&sibling_ran] { sibling_ran = true; });
      try {
        failing.join();
      } catch (const conformance_error& error) {
        caught_as_thrown = true;
        message = error.what();
      } catch (...) {
        caught_something_else = true;
      }
      sibling.join();
    });
    CHECK(caught_as_thrown);
    CHECK_FALSE(caught_something_else);
    CHECK(message == "thrown by the thread");
    CHECK(sibling_ran);  // one thread's exception does not disturb another
  });
}
TEST_CASE_TEMPLATE_APPLY(join_rethrows, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("run rethrows an exception escaping body and the next run works", M,
                          run_rethrows) {
  for_each_worker_count<M>("run rethrows", [](const run_options& options) {
    CHECK_THROWS_WITH_AS(M::run(options, [] { throw conformance_error("thrown by body"); }),
                         "thrown by body", conformance_error);
    // The world was shut down cleanly: a new one starts and runs threads.
    bool ran = false;
    M::run(options, [&ran] {
      auto thread = M::spawn([&ran] { ran = true; });
      thread.join();
    });
    CHECK(ran);
  });
}
TEST_CASE_TEMPLATE_APPLY(run_rethrows, models_under_test);

// tree_fanout, tree_depth — the shape of the nested-spawn tree: 4 + 16 + 64 = 84 threads.
constexpr std::uint64_t tree_fanout = 4;
constexpr unsigned tree_depth = 3;

// tree_sum<M>(depth, id) — a skynet-like node: at depth 0 returns id; otherwise spawns
// tree_fanout children (ids id * tree_fanout + c), joins them and returns the sum of theirs.
// Call from a thread of M that has waits_on_threads.
template <class M>
std::uint64_t tree_sum(unsigned depth, std::uint64_t id) {
  if (depth == 0) return id;
  std::array<std::uint64_t, tree_fanout> child_sums{};
  std::vector<typename M::thread> children;
  for (std::uint64_t c = 0; c < tree_fanout; ++c) {
    children.push_back(M::spawn([&child_sums, depth, id, c] {
      child_sums[c] = tree_sum<M>(depth - 1, id * tree_fanout + c);
    }));
  }
  for (auto& child : children) child.join();
  return std::accumulate(child_sums.begin(), child_sums.end(), std::uint64_t{0});
}

TEST_CASE_TEMPLATE_DEFINE("nested spawn: threads spawn and join threads (a small skynet)", M,
                          nested_spawn) {
  if constexpr (has(M::capabilities, capability::waits_on_threads)) {
    for_each_worker_count<M>("nested spawn", [](const run_options& options) {
      std::uint64_t sum = 0;
      M::run(options, [&sum] { sum = tree_sum<M>(tree_depth, 0); });
      // The leaves are numbered 0 .. fanout^depth - 1.
      constexpr std::uint64_t leaves = tree_fanout * tree_fanout * tree_fanout;
      CHECK(sum == leaves * (leaves - 1) / 2);
    });
  } else {
    skip_for_lack_of<M>("waits_on_threads",
                        "a thread that joins its children holds a worker while they wait in the "
                        "queue behind it: a fixed pool deadlocks");
  }
}
TEST_CASE_TEMPLATE_APPLY(nested_spawn, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("many threads: 10000 threads are alive at once", M, many_threads_alive) {
  if constexpr (has(M::capabilities, capability::many_threads)) {
    for_each_worker_count<M>("10000 threads alive", [](const run_options& options) {
      constexpr std::size_t thread_count = 10'000;
      bool all_parked = false;
      std::size_t parked_when_released = 0;
      std::size_t finished_before_release = 0;
      std::size_t finished = 0;
      M::run(options, [&] {
        typename M::mutex mutex;
        typename M::condition_variable released_changed;
        std::size_t parked = 0;  // written under mutex
        std::size_t done = 0;    // written under mutex
        bool released = false;   // written under mutex
        std::vector<typename M::thread> threads;
        threads.reserve(thread_count);
        for (std::size_t i = 0; i < thread_count; ++i) {
          threads.push_back(M::spawn([&] {
            std::unique_lock lock(mutex);
            ++parked;
            while (!released) released_changed.wait(lock);
            ++done;
          }));
        }
        all_parked = eventually<M>([&] {
          std::lock_guard lock(mutex);
          return parked == thread_count;
        });
        {
          std::lock_guard lock(mutex);
          parked_when_released = parked;
          finished_before_release = done;
          released = true;  // released even when not all parked: the test must not hang
        }
        released_changed.notify_all();
        for (auto& thread : threads) thread.join();
        finished = done;
      });
      CHECK(all_parked);
      CHECK(parked_when_released == thread_count);
      CHECK(finished_before_release == 0);  // all were alive at once
      CHECK(finished == thread_count);
    });
  } else {
    skip_for_lack_of<M>("many_threads",
                        "10000 threads alive at once is not cheap on it (a kernel task and a "
                        "full stack each)");
  }
}
TEST_CASE_TEMPLATE_APPLY(many_threads_alive, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
