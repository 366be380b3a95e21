// tests/conformance/scheduling_test.cpp — what the scheduler of every model promises: sleep_for
// sleeps at least as long as asked, yield lets other threads run, and a multicore model runs
// threads in parallel.
//
// The only timing these tests assert is sleep_for's lower bound, which holds on any machine,
// however loaded. Every spin is bounded by a deadline, so a model that never runs the other
// thread fails a CHECK instead of hanging.
#include <atomic>
#include <chrono>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

// spin_until(flag, deadline, polite) — spins until flag is set or the deadline passes, calling
// M::yield between reads when polite. Returns whether the flag was seen set.
template <class M>
bool spin_until(const std::atomic<bool>& flag, std::chrono::steady_clock::time_point deadline,
                bool polite) {
  // acquire: pairs with the release store of the thread that sets flag.
  while (!flag.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (polite) M::yield();
  }
  return true;
}

TEST_CASE_TEMPLATE_DEFINE("sleep_for: the calling thread sleeps at least the requested duration", M,
                          sleep_for_lower_bound) {
  for_each_worker_count<M>("sleep_for", [](const run_options& options) {
    constexpr auto requested = 2ms;
    constexpr int sleeper_count = 3;
    std::chrono::steady_clock::duration body_slept{};
    std::vector<std::chrono::steady_clock::duration> threads_slept(sleeper_count);
    bool zero_returned = false;
    M::run(options, [&] {
      // Several threads sleep at once, and the body sleeps too.
      std::vector<typename M::thread> sleepers;
      for (int i = 0; i < sleeper_count; ++i) {
        sleepers.push_back(M::spawn([&threads_slept, i, requested] {
          const auto start = std::chrono::steady_clock::now();
          M::sleep_for(requested);
          threads_slept[i] = std::chrono::steady_clock::now() - start;
        }));
      }
      const auto start = std::chrono::steady_clock::now();
      M::sleep_for(requested);
      body_slept = std::chrono::steady_clock::now() - start;
      for (auto& sleeper : sleepers) sleeper.join();
      M::sleep_for(std::chrono::nanoseconds::zero());
      zero_returned = true;
    });
    // A lower bound only: how much longer a thread sleeps depends on the machine's load.
    CHECK(body_slept >= requested);
    for (const auto& slept : threads_slept) CHECK(slept >= requested);
    CHECK(zero_returned);
  });
}
TEST_CASE_TEMPLATE_APPLY(sleep_for_lower_bound, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("yield: a thread spinning on a flag with yield lets the setter run", M,
                          yield_lets_setter_run) {
  for_each_worker_count<M>("yield lets another thread run", [](const run_options& options) {
    bool flag_seen = false;
    M::run(options, [&] {
      std::atomic<bool> flag{false};
      // On one worker of a cooperative model the setter runs only if the body's yield lets it.
      auto setter = M::spawn([&flag] { flag.store(true, std::memory_order_release); });
      flag_seen = spin_until<M>(flag, std::chrono::steady_clock::now() + patience, true);
      setter.join();
    });
    CHECK(flag_seen);
  });
}
TEST_CASE_TEMPLATE_APPLY(yield_lets_setter_run, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("yield: two threads take turns by spinning with yield", M,
                          yield_takes_turns) {
  if constexpr (has(M::capabilities, capability::waits_on_threads)) {
    for_each_worker_count<M>("yield takes turns", [](const run_options& options) {
      constexpr int turns = 200;
      int turns_taken = 0;
      bool gave_up = false;
      M::run(options, [&] {
        // turn — whose turn it is (0 or 1). acq_rel/acquire: each handover publishes the
        // previous holder's writes to the next one.
        std::atomic<int> turn{0};
        int taken = 0;  // written only by the thread whose turn it is
        std::atomic<bool> abandoned{false};
        const auto deadline = std::chrono::steady_clock::now() + patience;
        auto player = [&](int me) {
          for (int t = 0; t < turns / 2; ++t) {
            while (turn.load(std::memory_order_acquire) != me) {
              if (abandoned.load(std::memory_order_relaxed) ||
                  std::chrono::steady_clock::now() >= deadline) {
                abandoned.store(true, std::memory_order_relaxed);
                return;
              }
              M::yield();
            }
            ++taken;
            turn.store(1 - me, std::memory_order_release);  // pairs with the acquire above
          }
        };
        auto first = M::spawn([&] { player(0); });
        auto second = M::spawn([&] { player(1); });
        first.join();
        second.join();
        turns_taken = taken;
        gave_up = abandoned.load(std::memory_order_relaxed);
      });
      CHECK_FALSE(gave_up);
      CHECK(turns_taken == turns);
    });
  } else {
    skip_for_lack_of<M>("waits_on_threads",
                        "a spawned thread spinning for another spawned thread holds the only "
                        "pool thread at 1 worker, and yield does not run queued tasks");
  }
}
TEST_CASE_TEMPLATE_APPLY(yield_takes_turns, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("multicore: two threads spinning on each other without yield both finish",
                          M, multicore_runs_in_parallel) {
  if constexpr (has(M::capabilities, capability::multicore)) {
    for_each_worker_count<M>("threads run in parallel", [](const run_options& options) {
      if (options.workers < 2) {
        MESSAGE("skipped at 1 worker: one worker cannot run two threads in parallel");
        return;
      }
      bool both_met = false;
      M::run(options, [&] {
        std::atomic<bool> first_arrived{false};
        std::atomic<bool> second_arrived{false};
        std::atomic<bool> first_met{false};
        std::atomic<bool> second_met{false};
        const auto deadline = std::chrono::steady_clock::now() + patience;
        // Neither thread yields: they meet only if they run at the same time on two cores.
        auto first = M::spawn([&] {
          first_arrived.store(true, std::memory_order_release);
          first_met.store(spin_until<M>(second_arrived, deadline, false),
                          std::memory_order_relaxed);
        });
        auto second = M::spawn([&] {
          second_arrived.store(true, std::memory_order_release);
          second_met.store(spin_until<M>(first_arrived, deadline, false),
                           std::memory_order_relaxed);
        });
        first.join();
        second.join();
        both_met =
            first_met.load(std::memory_order_relaxed) && second_met.load(std::memory_order_relaxed);
      });
      CHECK(both_met);
    });
  } else {
    skip_for_lack_of<M>("multicore", "its threads never run in parallel");
  }
}
TEST_CASE_TEMPLATE_APPLY(multicore_runs_in_parallel, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
