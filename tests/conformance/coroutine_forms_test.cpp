// tests/conformance/coroutine_forms_test.cpp — the conformance tests in their coroutine form, on
// every stackless model (stackless_models_under_test): every test of thread_test,
// scheduling_test, mutex_test, condition_variable_test, channel_test and cancellation_test has
// one form here, "coroutine form: " and the stackful test's name, checking the same behaviour
// with every wait a co_await. None of them was left out: each behaviour applies to a stackless
// model. Not here: blocking_test (a stackless model has no blocking calls off its workers), and
// net_test, whose forms are in net_coroutine_forms_test.cpp (sockets are a capability, net, that
// a stackless model may lack). The polls below (eventually_async...) are coroutine_support.hpp's.
//
// Two more tests have no stackful counterpart: after a plain condition wait is notified, the
// waiter may be moved onto the mutex's queue instead of being woken ("wait morphing": it runs
// only once the mutex is its own). They check that every waiter still returns from wait holding
// the mutex, one at a time, after notify_all under the mutex, and that notify_one loses no hand-off
// between two threads, whether it is called with the mutex held or after it is released.
//
// The rules of support.hpp hold: primitives are created inside M::run, every poll is bounded
// (eventually_async, eventually_locked), the watchdog of for_each_worker_count covers the rest,
// and checks run after M::run returns. Only the stackless contract is used (bench/model.hpp):
// every co_await is of an awaitable an M member returns or of a task<M, T>, so that these forms
// run unchanged on any stackless model. No co_await is in an `if` condition, where GCC 12
// miscompiles it (coroutines/README.md): its value is stored in a variable first.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coroutine_support.hpp"
#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

// ---------------------------------------------------------------------------------------------
// thread_test.cpp's behaviours

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: spawn and join: the thread ran and its writes are visible after join", M,
    async_spawn_and_join) {
  for_each_worker_count<M>("spawn and join", [](const run_options& options) {
    constexpr std::size_t thread_count = 8;
    // Plain, not atomic: join is what must make the threads' writes visible.
    std::array<std::uint64_t, thread_count> written{};
    std::array<std::uint64_t, thread_count> seen_after_join{};
    M::run(options, [&]() -> task<M> {
      std::vector<typename M::thread> threads;
      for (std::size_t i = 0; i < thread_count; ++i) {
        threads.push_back(M::spawn([&written, i]() -> task<M> {
          written[i] = i * i + 1;
          co_return;
        }));
      }
      for (auto& thread : threads) co_await thread.join();
      seen_after_join = written;
    });
    for (std::size_t i = 0; i < thread_count; ++i) CHECK(seen_after_join[i] == i * i + 1);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_spawn_and_join, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: join rethrows the thread's exception with its type and message", M,
    async_join_rethrows) {
  for_each_worker_count<M>("join rethrows", [](const run_options& options) {
    bool caught_as_thrown = false;
    bool caught_something_else = false;
    std::string message;
    bool sibling_ran = false;
    M::run(options, [&]() -> task<M> {
      auto failing = M::spawn([]() -> task<M> {
        throw conformance_error("thrown by the thread");
        co_return;
      });
      auto sibling = M::spawn([&sibling_ran]() -> task<M> {
        sibling_ran = true;
        co_return;
      });
      try {
        co_await failing.join();
      } catch (const conformance_error& error) {
        caught_as_thrown = true;
        message = error.what();
      } catch (...) {
        caught_something_else = true;
      }
      co_await sibling.join();
    });
    CHECK(caught_as_thrown);
    CHECK_FALSE(caught_something_else);
    CHECK(message == "thrown by the thread");
    CHECK(sibling_ran);  // one thread's exception does not disturb another
  });
}
TEST_CASE_TEMPLATE_APPLY(async_join_rethrows, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: run rethrows an exception escaping body and the next run works", M,
    async_run_rethrows) {
  for_each_worker_count<M>("run rethrows", [](const run_options& options) {
    CHECK_THROWS_WITH_AS(M::run(options,
                                []() -> task<M> {
                                  throw conformance_error("thrown by body");
                                  co_return;
                                }),
                         "thrown by body", conformance_error);
    // The world was shut down cleanly: a new one starts and runs threads.
    bool ran = false;
    M::run(options, [&ran]() -> task<M> {
      auto thread = M::spawn([&ran]() -> task<M> {
        ran = true;
        co_return;
      });
      co_await thread.join();
    });
    CHECK(ran);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_run_rethrows, stackless_models_under_test);

// tree_fanout, tree_depth — the shape of the nested-spawn tree: 4 + 16 + 64 = 84 threads.
constexpr std::uint64_t tree_fanout = 4;
constexpr unsigned tree_depth = 3;

// tree_sum<M>(depth, id) — a skynet-like node: at depth 0 returns id; otherwise spawns
// tree_fanout children (ids id * tree_fanout + c), joins them and returns the sum of theirs.
// The children write into this frame, which outlives them: it joins them before it ends.
template <class M>
task<M, std::uint64_t> tree_sum(unsigned depth, std::uint64_t id) {
  if (depth == 0) co_return id;
  std::array<std::uint64_t, tree_fanout> child_sums{};
  std::vector<typename M::thread> children;
  for (std::uint64_t c = 0; c < tree_fanout; ++c) {
    children.push_back(M::spawn([&child_sums, depth, id, c]() -> task<M> {
      child_sums[c] = co_await tree_sum<M>(depth - 1, id * tree_fanout + c);
    }));
  }
  for (auto& child : children) co_await child.join();
  co_return std::accumulate(child_sums.begin(), child_sums.end(), std::uint64_t{0});
}

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: nested spawn: threads spawn and join threads (a small skynet)", M,
    async_nested_spawn) {
  if constexpr (has(M::capabilities, capability::waits_on_threads)) {
    for_each_worker_count<M>("nested spawn", [](const run_options& options) {
      std::uint64_t sum = 0;
      M::run(options, [&sum]() -> task<M> { sum = co_await tree_sum<M>(tree_depth, 0); });
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
TEST_CASE_TEMPLATE_APPLY(async_nested_spawn, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: many threads: 10000 threads are alive at once", M,
                          async_many_threads_alive) {
  if constexpr (has(M::capabilities, capability::many_threads)) {
    for_each_worker_count<M>("10000 threads alive", [](const run_options& options) {
      constexpr std::size_t thread_count = 10'000;
      bool all_parked = false;
      std::size_t parked_when_released = 0;
      std::size_t finished_before_release = 0;
      std::size_t finished = 0;
      M::run(options, [&]() -> task<M> {
        typename M::mutex mutex;
        typename M::condition_variable released_changed;
        std::size_t parked = 0;  // written under mutex
        std::size_t done = 0;    // written under mutex
        bool released = false;   // written under mutex
        std::vector<typename M::thread> threads;
        threads.reserve(thread_count);
        for (std::size_t i = 0; i < thread_count; ++i) {
          threads.push_back(M::spawn([&]() -> task<M> {
            auto lock = co_await mutex.scoped_lock();
            ++parked;
            while (!released) co_await released_changed.wait(lock);
            ++done;
          }));
        }
        all_parked = co_await eventually_locked<M>(mutex, [&] { return parked == thread_count; });
        {
          auto lock = co_await mutex.scoped_lock();
          parked_when_released = parked;
          finished_before_release = done;
          released = true;  // released even when not all parked: the test must not hang
        }
        released_changed.notify_all();
        for (auto& thread : threads) co_await thread.join();
        finished = done;
      });
      CHECK(all_parked);
      CHECK(parked_when_released == thread_count);
      CHECK(finished_before_release == 0);  // all were alive at once
      CHECK(finished == thread_count);
    });
  } else {
    skip_for_lack_of<M>("many_threads", "10000 threads alive at once is not cheap on it");
  }
}
TEST_CASE_TEMPLATE_APPLY(async_many_threads_alive, stackless_models_under_test);

// ---------------------------------------------------------------------------------------------
// scheduling_test.cpp's behaviours

// yield_until<M>(flag, deadline) — spins until flag is set or the deadline passes, co_awaiting
// M::yield between reads (and nothing else: only the yield lets another thread run). Returns
// whether the flag was seen set.
template <class M>
task<M, bool> yield_until(const std::atomic<bool>& flag,
                          std::chrono::steady_clock::time_point deadline) {
  // acquire: pairs with the release store of the thread that sets flag.
  while (!flag.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    co_await M::yield();
  }
  co_return true;
}

// spin_until(flag, deadline) — spins until flag is set or the deadline passes, never suspending.
// Returns whether the flag was seen set.
bool spin_until(const std::atomic<bool>& flag, std::chrono::steady_clock::time_point deadline) {
  // acquire: pairs with the release store of the thread that sets flag.
  while (!flag.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
  return true;
}

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: sleep_for: the calling thread sleeps at least the requested duration", M,
    async_sleep_for_lower_bound) {
  for_each_worker_count<M>("sleep_for", [](const run_options& options) {
    static constexpr auto requested = 2ms;
    constexpr int sleeper_count = 3;
    std::chrono::steady_clock::duration body_slept{};
    std::vector<std::chrono::steady_clock::duration> threads_slept(sleeper_count);
    bool zero_returned = false;
    bool setter_ran_while_sleeping = false;
    M::run(options, [&]() -> task<M> {
      // Several threads sleep at once, and the body sleeps too.
      std::vector<typename M::thread> sleepers;
      for (int i = 0; i < sleeper_count; ++i) {
        sleepers.push_back(M::spawn([&threads_slept, i]() -> task<M> {
          const auto start = std::chrono::steady_clock::now();
          co_await M::sleep_for(requested);
          threads_slept[i] = std::chrono::steady_clock::now() - start;
        }));
      }
      const auto start = std::chrono::steady_clock::now();
      co_await M::sleep_for(requested);
      body_slept = std::chrono::steady_clock::now() - start;
      for (auto& sleeper : sleepers) co_await sleeper.join();
      co_await M::sleep_for(std::chrono::nanoseconds::zero());
      zero_returned = true;

      // A sleep suspends the thread, not its worker: a thread that only sleeps while it polls a
      // flag sees another thread set it, at 1 worker too (a sleep that blocked the worker would
      // never let the setter run there).
      std::atomic<bool> flag{false};
      auto setter = M::spawn([&flag]() -> task<M> {
        flag.store(true, std::memory_order_release);
        co_return;
      });
      const auto deadline = std::chrono::steady_clock::now() + patience;
      // acquire: pairs with the setter's release store.
      while (!flag.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
        co_await M::sleep_for(requested);
      }
      setter_ran_while_sleeping = flag.load(std::memory_order_acquire);
      co_await setter.join();
    });
    // A lower bound only: how much longer a thread sleeps depends on the machine's load.
    CHECK(body_slept >= requested);
    for (const auto& slept : threads_slept) CHECK(slept >= requested);
    CHECK(zero_returned);
    CHECK(setter_ran_while_sleeping);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_sleep_for_lower_bound, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: yield: a thread spinning on a flag with yield lets the setter run", M,
    async_yield_lets_setter_run) {
  for_each_worker_count<M>("yield lets another thread run", [](const run_options& options) {
    bool flag_seen = false;
    M::run(options, [&]() -> task<M> {
      std::atomic<bool> flag{false};
      // On one worker the setter runs only if the body's yield lets it.
      auto setter = M::spawn([&flag]() -> task<M> {
        flag.store(true, std::memory_order_release);
        co_return;
      });
      flag_seen = co_await yield_until<M>(flag, std::chrono::steady_clock::now() + patience);
      co_await setter.join();
    });
    CHECK(flag_seen);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_yield_lets_setter_run, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: yield: two threads take turns by spinning with yield", M,
                          async_yield_takes_turns) {
  if constexpr (has(M::capabilities, capability::waits_on_threads)) {
    for_each_worker_count<M>("yield takes turns", [](const run_options& options) {
      constexpr int turns = 200;
      int turns_taken = 0;
      bool gave_up = false;
      M::run(options, [&]() -> task<M> {
        // turn — whose turn it is (0 or 1). acq_rel/acquire: each handover publishes the
        // previous holder's writes to the next one.
        std::atomic<int> turn{0};
        int taken = 0;  // written only by the thread whose turn it is
        std::atomic<bool> abandoned{false};
        const auto deadline = std::chrono::steady_clock::now() + patience;
        // player(me) — lives in this frame, which outlives both threads (it joins them).
        auto player = [&](int me) -> task<M> {
          for (int t = 0; t < turns / 2; ++t) {
            while (turn.load(std::memory_order_acquire) != me) {
              if (abandoned.load(std::memory_order_relaxed) ||
                  std::chrono::steady_clock::now() >= deadline) {
                abandoned.store(true, std::memory_order_relaxed);
                co_return;
              }
              co_await M::yield();
            }
            ++taken;
            turn.store(1 - me, std::memory_order_release);  // pairs with the acquire above
          }
        };
        auto first = M::spawn([&player]() -> task<M> { co_await player(0); });
        auto second = M::spawn([&player]() -> task<M> { co_await player(1); });
        co_await first.join();
        co_await second.join();
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
TEST_CASE_TEMPLATE_APPLY(async_yield_takes_turns, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: multicore: two threads spinning on each other without yield both finish", M,
    async_multicore_runs_in_parallel) {
  if constexpr (has(M::capabilities, capability::multicore)) {
    for_each_worker_count<M>("threads run in parallel", [](const run_options& options) {
      if (options.workers < 2) {
        MESSAGE("skipped at 1 worker: one worker cannot run two threads in parallel");
        return;
      }
      bool both_met = false;
      M::run(options, [&]() -> task<M> {
        std::atomic<bool> first_arrived{false};
        std::atomic<bool> second_arrived{false};
        std::atomic<bool> first_met{false};
        std::atomic<bool> second_met{false};
        const auto deadline = std::chrono::steady_clock::now() + patience;
        // Neither thread suspends: they meet only if they run at the same time on two workers.
        auto first = M::spawn([&]() -> task<M> {
          first_arrived.store(true, std::memory_order_release);
          first_met.store(spin_until(second_arrived, deadline), std::memory_order_relaxed);
          co_return;
        });
        auto second = M::spawn([&]() -> task<M> {
          second_arrived.store(true, std::memory_order_release);
          second_met.store(spin_until(first_arrived, deadline), std::memory_order_relaxed);
          co_return;
        });
        co_await first.join();
        co_await second.join();
        both_met =
            first_met.load(std::memory_order_relaxed) && second_met.load(std::memory_order_relaxed);
      });
      CHECK(both_met);
    });
  } else {
    skip_for_lack_of<M>("multicore", "its threads never run in parallel");
  }
}
TEST_CASE_TEMPLATE_APPLY(async_multicore_runs_in_parallel, stackless_models_under_test);

// ---------------------------------------------------------------------------------------------
// mutex_test.cpp's behaviours

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: mutex: no two threads are ever inside the critical section at once", M,
    async_mutex_excludes) {
  for_each_worker_count<M>("mutex mutual exclusion", [](const run_options& options) {
    constexpr unsigned thread_count = 4;
    constexpr unsigned rounds = 500;
    std::uint64_t counter_after_join = 0;
    std::uint64_t overlaps = 0;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      std::uint64_t counter = 0;  // plain, written under mutex: a lost update is a failure
      // inside — set while a thread is in the critical section. Atomic (relaxed) only so that a
      // broken mutex is a detected failure rather than a data race; the mutex orders it.
      std::atomic<bool> inside{false};
      std::atomic<std::uint64_t> seen_inside{0};
      std::vector<typename M::thread> threads;
      for (unsigned t = 0; t < thread_count; ++t) {
        threads.push_back(M::spawn([&]() -> task<M> {
          for (unsigned r = 0; r < rounds; ++r) {
            auto lock = co_await mutex.scoped_lock();
            if (inside.exchange(true, std::memory_order_relaxed)) {
              seen_inside.fetch_add(1, std::memory_order_relaxed);
            }
            const std::uint64_t seen = counter;
            // Yield while holding the lock: on one worker this is the only moment another
            // thread can try to enter, so a mutex that does not suspend it is caught.
            co_await M::yield();
            counter = seen + 1;
            inside.store(false, std::memory_order_relaxed);
          }
        }));
      }
      for (auto& thread : threads) co_await thread.join();
      counter_after_join = counter;
      overlaps = seen_inside.load(std::memory_order_relaxed);
    });
    CHECK(overlaps == 0);
    CHECK(counter_after_join == std::uint64_t{thread_count} * rounds);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_mutex_excludes, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: mutex: lock blocks while another thread holds it and proceeds on unlock", M,
    async_mutex_lock_blocks) {
  for_each_worker_count<M>("mutex lock blocks", [](const run_options& options) {
    bool started = false;
    bool acquired_while_held = false;
    bool acquired_after_unlock = false;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      std::atomic<bool> waiter_started{false};
      std::atomic<bool> waiter_acquired{false};
      co_await mutex.lock();
      // The body holds the lock; the waiter waits for the body, which always runs.
      auto waiter = M::spawn([&]() -> task<M> {
        waiter_started.store(true, std::memory_order_relaxed);
        auto lock = co_await mutex.scoped_lock();
        waiter_acquired.store(true, std::memory_order_relaxed);
      });
      started = co_await eventually_async<M>(
          [&] { return waiter_started.load(std::memory_order_relaxed); });
      co_await M::sleep_for(5ms);  // give a broken lock() the chance to return
      acquired_while_held = waiter_acquired.load(std::memory_order_relaxed);
      mutex.unlock();
      co_await waiter.join();
      acquired_after_unlock = waiter_acquired.load(std::memory_order_relaxed);
    });
    CHECK(started);
    CHECK_FALSE(acquired_while_held);
    CHECK(acquired_after_unlock);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_mutex_lock_blocks, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: mutex: try_lock fails while another thread holds it and succeeds once free", M,
    async_mutex_try_lock) {
  for_each_worker_count<M>("mutex try_lock", [](const run_options& options) {
    bool acquired_while_held = true;
    bool acquired_when_free = false;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      co_await mutex.lock();
      auto while_held = M::spawn([&]() -> task<M> {
        acquired_while_held = mutex.try_lock();
        if (acquired_while_held) mutex.unlock();
        co_return;
      });
      co_await while_held.join();
      mutex.unlock();
      auto when_free = M::spawn([&]() -> task<M> {
        acquired_when_free = mutex.try_lock();
        if (acquired_when_free) mutex.unlock();
        co_return;
      });
      co_await when_free.join();
    });
    CHECK_FALSE(acquired_while_held);
    CHECK(acquired_when_free);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_mutex_try_lock, stackless_models_under_test);

// ---------------------------------------------------------------------------------------------
// condition_variable_test.cpp's behaviours. As there, waiters use a predicate loop and register
// under the mutex before waiting: once the notifier holds the mutex and sees every waiter
// registered, each one is inside wait.

TEST_CASE_TEMPLATE_DEFINE("coroutine form: condition_variable: notify_one wakes a waiting thread",
                          M, async_cv_notify_one) {
  for_each_worker_count<M>("notify_one wakes a waiter", [](const run_options& options) {
    bool waiter_registered = false;
    bool woke_with_flag_set = false;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      typename M::condition_variable ready_changed;
      bool registered = false;  // written under mutex
      bool ready = false;       // written under mutex
      auto waiter = M::spawn([&]() -> task<M> {
        auto lock = co_await mutex.scoped_lock();
        registered = true;
        while (!ready) co_await ready_changed.wait(lock);
        woke_with_flag_set = ready;  // wait returned holding the lock, predicate true
      });
      waiter_registered = co_await eventually_locked<M>(mutex, [&] { return registered; });
      {
        auto lock = co_await mutex.scoped_lock();
        ready = true;
      }
      ready_changed.notify_one();
      co_await waiter.join();  // a lost wake-up hangs here: the watchdog names it
    });
    CHECK(waiter_registered);
    CHECK(woke_with_flag_set);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_cv_notify_one, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: condition_variable: notify_all wakes every waiting thread", M,
    async_cv_notify_all) {
  for_each_worker_count<M>("notify_all wakes all waiters", [](const run_options& options) {
    const std::size_t waiter_count = max_waiting_threads<M>(options, 4);
    bool all_registered = false;
    bool all_woken_by_one_notify_all = false;
    std::size_t woken_after_join = 0;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      typename M::condition_variable go_changed;
      std::size_t registered = 0;  // written under mutex
      std::size_t woken = 0;       // written under mutex
      bool go = false;             // written under mutex
      std::vector<typename M::thread> waiters;
      for (std::size_t i = 0; i < waiter_count; ++i) {
        waiters.push_back(M::spawn([&]() -> task<M> {
          auto lock = co_await mutex.scoped_lock();
          ++registered;
          while (!go) co_await go_changed.wait(lock);
          ++woken;
        }));
      }
      all_registered =
          co_await eventually_locked<M>(mutex, [&] { return registered == waiter_count; });
      {
        auto lock = co_await mutex.scoped_lock();
        go = true;
      }
      go_changed.notify_all();  // exactly once: every waiter must wake from this call
      all_woken_by_one_notify_all =
          co_await eventually_locked<M>(mutex, [&] { return woken == waiter_count; });
      // Recovery on a broken notify_all: keep notifying, so that the test fails on the CHECK
      // below instead of hanging in join (the watchdog bounds this loop).
      bool all_woken = all_woken_by_one_notify_all;
      while (!all_woken) {
        {
          auto lock = co_await mutex.scoped_lock();
          all_woken = woken == waiter_count;
        }
        go_changed.notify_all();
        go_changed.notify_one();
        co_await M::sleep_for(1ms);
      }
      for (auto& waiter : waiters) co_await waiter.join();
      woken_after_join = woken;
    });
    CHECK(all_registered);
    CHECK(all_woken_by_one_notify_all);
    CHECK(woken_after_join == waiter_count);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_cv_notify_all, stackless_models_under_test);

// ---------------------------------------------------------------------------------------------
// channel_test.cpp's behaviours. As there, items are ints: item = producer * items_per_producer
// + sequence number.

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: channel: items from one producer arrive in the order pushed", M,
    async_channel_fifo_per_producer) {
  for_each_worker_count<M>("channel FIFO per producer", [](const run_options& options) {
    constexpr int producer_count = 3;
    constexpr int items_per_producer = 300;
    std::vector<int> next_expected(producer_count, 0);  // per producer
    int out_of_order = 0;
    int out_of_range = 0;
    int failed_pushes = 0;
    M::run(options, [&]() -> task<M> {
      // Small capacity, so producers wait on a full channel and are resumed by pops.
      typename M::template channel<int> channel(4);
      std::atomic<int> push_failures{0};
      std::vector<typename M::thread> producers;
      for (int p = 0; p < producer_count; ++p) {
        producers.push_back(M::spawn([&channel, &push_failures, p]() -> task<M> {
          for (int i = 0; i < items_per_producer; ++i) {
            const bool pushed = co_await channel.push(p * items_per_producer + i);
            if (!pushed) push_failures.fetch_add(1, std::memory_order_relaxed);
          }
        }));
      }
      // The body is the consumer: it pops exactly as many items as were pushed.
      for (int received = 0; received < producer_count * items_per_producer; ++received) {
        const std::optional<int> item = co_await channel.pop();
        if (!item || *item < 0 || *item >= producer_count * items_per_producer) {
          ++out_of_range;
          continue;
        }
        const int producer = *item / items_per_producer;
        const int sequence = *item % items_per_producer;
        if (sequence != next_expected[producer]) ++out_of_order;
        next_expected[producer] = sequence + 1;
      }
      for (auto& producer : producers) co_await producer.join();
      failed_pushes = push_failures.load(std::memory_order_relaxed);
    });
    CHECK(out_of_range == 0);
    CHECK(out_of_order == 0);
    CHECK(failed_pushes == 0);
    for (int p = 0; p < producer_count; ++p) CHECK(next_expected[p] == items_per_producer);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_fifo_per_producer, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: channel: push blocks while full and resumes when a pop makes room", M,
    async_channel_push_blocks_when_full) {
  for_each_worker_count<M>("channel push blocks when full", [](const run_options& options) {
    constexpr int capacity = 2;
    bool filled = false;
    int pushed_while_full = -1;
    std::optional<int> first;
    bool resumed = false;
    int failed_pushes = 0;  // written by the producer, read after join
    std::vector<std::optional<int>> rest;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> channel(capacity);
      std::atomic<int> pushed{0};  // pushes that have returned
      // The producer pushes one more item than fits; its last push waits for the body.
      auto producer = M::spawn([&]() -> task<M> {
        for (int i = 0; i < capacity + 1; ++i) {
          const bool accepted = co_await channel.push(i);
          if (!accepted) ++failed_pushes;
          pushed.fetch_add(1, std::memory_order_relaxed);
        }
      });
      filled = co_await eventually_async<M>(
          [&] { return pushed.load(std::memory_order_relaxed) == capacity; });
      co_await M::sleep_for(5ms);  // give a push that does not wait the chance to return
      pushed_while_full = pushed.load(std::memory_order_relaxed);
      first = co_await channel.pop();  // makes room: the waiting push must complete
      resumed = co_await eventually_async<M>(
          [&] { return pushed.load(std::memory_order_relaxed) == capacity + 1; });
      for (int i = 0; i < capacity; ++i) {
        const std::optional<int> item = co_await channel.pop();
        rest.push_back(item);
      }
      co_await producer.join();
    });
    CHECK(filled);
    CHECK(pushed_while_full == capacity);
    CHECK(first == std::optional<int>(0));
    CHECK(resumed);
    CHECK(failed_pushes == 0);
    REQUIRE(rest.size() == capacity);
    CHECK(rest[0] == std::optional<int>(1));
    CHECK(rest[1] == std::optional<int>(2));
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_push_blocks_when_full, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: channel: close wakes every receiver blocked in pop with nullopt", M,
    async_channel_close_wakes_receivers) {
  for_each_worker_count<M>("channel close wakes receivers", [](const run_options& options) {
    const int receiver_count = static_cast<int>(max_waiting_threads<M>(options, 3));
    bool all_started = false;
    int nullopts = 0;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> channel(4);
      std::atomic<int> started{0};
      std::atomic<int> returned{0};
      std::atomic<int> returned_empty{0};
      std::vector<typename M::thread> receivers;
      for (int r = 0; r < receiver_count; ++r) {
        receivers.push_back(M::spawn([&]() -> task<M> {
          started.fetch_add(1, std::memory_order_relaxed);
          const std::optional<int> item = co_await channel.pop();
          if (!item) returned_empty.fetch_add(1, std::memory_order_relaxed);
          returned.fetch_add(1, std::memory_order_relaxed);
        }));
      }
      all_started = co_await eventually_async<M>(
          [&] { return started.load(std::memory_order_relaxed) == receiver_count; });
      co_await M::sleep_for(5ms);  // let them wait in pop (a receiver not yet waiting passes too)
      channel.close();
      co_await must_eventually_async<M>(
          [&] { return returned.load(std::memory_order_relaxed) == receiver_count; },
          "close did not wake the receivers waiting in pop");
      for (auto& receiver : receivers) co_await receiver.join();
      nullopts = returned_empty.load(std::memory_order_relaxed);
    });
    CHECK(all_started);
    CHECK(nullopts == receiver_count);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_close_wakes_receivers, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: channel: close wakes every sender blocked in push and push returns false", M,
    async_channel_close_wakes_senders) {
  for_each_worker_count<M>("channel close wakes senders", [](const run_options& options) {
    const int sender_count = static_cast<int>(max_waiting_threads<M>(options, 3));
    bool all_started = false;
    int successful_pushes = -1;
    std::optional<int> drained;
    std::optional<int> after_drain = 0;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> channel(1);
      const bool filled = co_await channel.push(0);  // full: every further push waits
      std::atomic<int> started{0};
      std::atomic<int> returned{0};
      std::atomic<int> returned_true{filled ? 0 : 100};
      std::vector<typename M::thread> senders;
      for (int s = 0; s < sender_count; ++s) {
        senders.push_back(M::spawn([&, s]() -> task<M> {
          started.fetch_add(1, std::memory_order_relaxed);
          const bool accepted = co_await channel.push(s + 1);
          if (accepted) returned_true.fetch_add(1, std::memory_order_relaxed);
          returned.fetch_add(1, std::memory_order_relaxed);
        }));
      }
      all_started = co_await eventually_async<M>(
          [&] { return started.load(std::memory_order_relaxed) == sender_count; });
      co_await M::sleep_for(5ms);  // let them wait in push (a sender not yet waiting passes too)
      channel.close();
      co_await must_eventually_async<M>(
          [&] { return returned.load(std::memory_order_relaxed) == sender_count; },
          "close did not wake the senders waiting in push");
      for (auto& sender : senders) co_await sender.join();
      successful_pushes = returned_true.load(std::memory_order_relaxed);
      drained = co_await channel.pop();      // the item pushed before close is still delivered
      after_drain = co_await channel.pop();  // then the closed channel is empty
    });
    CHECK(all_started);
    CHECK(successful_pushes == 0);
    CHECK(drained == std::optional<int>(0));
    CHECK(after_drain == std::nullopt);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_close_wakes_senders, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: channel: after close pop drains the items in order then returns nullopt and "
    "push returns false",
    M, async_channel_drains_after_close) {
  for_each_worker_count<M>("channel drains after close", [](const run_options& options) {
    constexpr int item_count = 5;
    bool all_pushed = false;
    bool pushed_after_close = true;
    std::vector<std::optional<int>> popped;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> channel(8);
      all_pushed = true;
      for (int i = 0; i < item_count; ++i) {
        const bool pushed = co_await channel.push(i);
        all_pushed = pushed && all_pushed;
      }
      channel.close();
      pushed_after_close = co_await channel.push(item_count);
      // One pop more than was pushed, and one more again: nullopt stays nullopt.
      for (int i = 0; i < item_count + 2; ++i) {
        const std::optional<int> item = co_await channel.pop();
        popped.push_back(item);
      }
    });
    CHECK(all_pushed);
    CHECK_FALSE(pushed_after_close);
    REQUIRE(popped.size() == item_count + 2);
    for (int i = 0; i < item_count; ++i) CHECK(popped[i] == std::optional<int>(i));
    CHECK(popped[item_count] == std::nullopt);
    CHECK(popped[item_count + 1] == std::nullopt);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_drains_after_close, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: channel: many producers and many consumers receive every item exactly once", M,
    async_channel_many_producers_many_consumers) {
  for_each_worker_count<M>("channel many producers many consumers", [](const run_options& options) {
    constexpr int producer_count = 4;
    constexpr int items_per_producer = 500;
    constexpr int item_count = producer_count * items_per_producer;
    // The body is one consumer. On a fixed pool at most workers - 1 spawned consumers may wait
    // in pop at once, so that one pool thread is always left to run the producers.
    const int spawned_consumer_count = has(M::capabilities, capability::waits_on_threads)
                                           ? 2
                                           : static_cast<int>(std::min(2u, options.workers - 1));
    std::vector<int> times_received(item_count, 0);
    std::int64_t received_sum = 0;
    int out_of_range = 0;
    int failed_pushes = 0;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> channel(8);
      std::vector<std::atomic<int>> receipts(item_count);
      std::atomic<int> received{0};
      std::atomic<std::int64_t> sum{0};
      std::atomic<int> bad_items{0};
      std::atomic<int> push_failures{0};
      // consume — pops until the channel is closed; whoever receives the last item closes it.
      auto consume = [&]() -> task<M> {
        std::int64_t local_sum = 0;
        while (const std::optional<int> item = co_await channel.pop()) {
          if (*item < 0 || *item >= item_count) {
            bad_items.fetch_add(1, std::memory_order_relaxed);
          } else {
            receipts[*item].fetch_add(1, std::memory_order_relaxed);
            local_sum += *item;
          }
          if (received.fetch_add(1, std::memory_order_relaxed) + 1 == item_count) channel.close();
        }
        sum.fetch_add(local_sum, std::memory_order_relaxed);
      };
      std::vector<typename M::thread> threads;
      for (int c = 0; c < spawned_consumer_count; ++c) threads.push_back(M::spawn(consume));
      for (int p = 0; p < producer_count; ++p) {
        threads.push_back(M::spawn([&, p]() -> task<M> {
          for (int i = 0; i < items_per_producer; ++i) {
            const bool pushed = co_await channel.push(p * items_per_producer + i);
            if (!pushed) push_failures.fetch_add(1, std::memory_order_relaxed);
          }
        }));
      }
      co_await consume();
      for (auto& thread : threads) co_await thread.join();
      for (int i = 0; i < item_count; ++i) {
        times_received[i] = receipts[i].load(std::memory_order_relaxed);
      }
      received_sum = sum.load(std::memory_order_relaxed);
      out_of_range = bad_items.load(std::memory_order_relaxed);
      failed_pushes = push_failures.load(std::memory_order_relaxed);
    });
    int missing = 0;
    int duplicated = 0;
    for (int count : times_received) {
      if (count == 0) ++missing;
      if (count > 1) ++duplicated;
    }
    CHECK(missing == 0);
    CHECK(duplicated == 0);
    CHECK(out_of_range == 0);
    CHECK(failed_pushes == 0);
    CHECK(received_sum == std::int64_t{item_count} * (item_count - 1) / 2);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_many_producers_many_consumers, stackless_models_under_test);

// ---------------------------------------------------------------------------------------------
// cancellation_test.cpp's behaviours. As there, the body requests the stop after the thread has
// said it is about to wait and a short sleep (settle), so that on most runs the stop finds the
// thread suspended in the wait; on a slow machine it may arrive just before, which takes the
// "already stopped" path. The checks hold on both.

// settle<M>() — gives a thread that announced it is about to wait time to get there.
template <class M>
task<M> settle() {
  co_await M::sleep_for(2ms);
}

TEST_CASE_TEMPLATE_DEFINE("coroutine form: cancellation: a stop ends a condition variable wait", M,
                          async_cancel_cv) {
  for_each_worker_count<M>("a stop ends a cv wait", [](const run_options& options) {
    bool returned_false = false;
    bool saw_stop = false;
    bool request_made = false;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      typename M::condition_variable never_notified;
      std::atomic<bool> waiting{false};
      auto waiter = M::spawn([&](std::stop_token token) -> task<M> {
        auto lock = co_await mutex.scoped_lock();
        waiting.store(true);
        const bool woke = co_await never_notified.wait(lock, token, [] { return false; });
        returned_false = !woke;
        saw_stop = token.stop_requested();
      });
      co_await must_eventually_async<M>([&] { return waiting.load(); }, "the waiter did not start");
      co_await settle<M>();
      request_made = waiter.request_stop();
      co_await waiter.join();
    });
    CHECK(request_made);
    CHECK(returned_false);
    CHECK(saw_stop);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_cancel_cv, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: cancellation: a stop ends a pop on an empty channel, which stays open", M,
    async_cancel_pop) {
  for_each_worker_count<M>("a stop ends a pop", [](const run_options& options) {
    bool popped_nothing = false;
    bool request_made = false;
    std::optional<int> after;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> ch(1);
      std::atomic<bool> waiting{false};
      auto receiver = M::spawn([&](std::stop_token token) -> task<M> {
        waiting.store(true);
        const std::optional<int> item = co_await ch.pop(token);
        popped_nothing = !item.has_value();
      });
      co_await must_eventually_async<M>([&] { return waiting.load(); },
                                        "the receiver did not start");
      co_await settle<M>();
      request_made = receiver.request_stop();
      co_await receiver.join();
      // A stop ends one caller's wait; the channel itself is not closed.
      const bool pushed = co_await ch.push(7);
      if (pushed) after = co_await ch.pop();
    });
    CHECK(request_made);
    CHECK(popped_nothing);
    CHECK(after == 7);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_cancel_pop, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: cancellation: a stop ends a push on a full channel, dropping its item", M,
    async_cancel_push) {
  for_each_worker_count<M>("a stop ends a push", [](const run_options& options) {
    bool push_refused = false;
    std::optional<int> first;
    bool empty_after = false;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> ch(1);
      co_await ch.push(1);  // full
      std::atomic<bool> waiting{false};
      auto sender = M::spawn([&](std::stop_token token) -> task<M> {
        waiting.store(true);
        const bool accepted = co_await ch.push(2, token);
        push_refused = !accepted;
      });
      co_await must_eventually_async<M>([&] { return waiting.load(); }, "the sender did not start");
      co_await settle<M>();
      sender.request_stop();
      co_await sender.join();
      first = co_await ch.pop();
      ch.close();
      const std::optional<int> last = co_await ch.pop();
      empty_after = !last.has_value();  // the refused item was never taken in
    });
    CHECK(push_refused);
    CHECK(first == 1);
    CHECK(empty_after);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_cancel_push, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: cancellation: a thread blocked on a mutex sees its stop once it gets the "
    "lock",
    M, async_cancel_mutex) {
  for_each_worker_count<M>(
      "a stop reaches a thread waiting on a mutex", [](const run_options& options) {
        bool got_lock_then_saw_stop = false;
        M::run(options, [&]() -> task<M> {
          typename M::mutex mutex;
          std::atomic<bool> waiting{false};
          co_await mutex.lock();  // held by the body
          auto locker = M::spawn([&](std::stop_token token) -> task<M> {
            waiting.store(true);
            auto lock = co_await mutex.scoped_lock();  // not a cancellation point
            got_lock_then_saw_stop = token.stop_requested();
          });
          co_await must_eventually_async<M>([&] { return waiting.load(); },
                                            "the locker did not start");
          co_await settle<M>();
          locker.request_stop();
          mutex.unlock();
          co_await locker.join();
        });
        CHECK(got_lock_then_saw_stop);
      });
}
TEST_CASE_TEMPLATE_APPLY(async_cancel_mutex, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: cancellation: a join ends when the joined thread is stopped", M,
    async_cancel_join) {
  if constexpr (!has(M::capabilities, capability::waits_on_threads)) {
    skip_for_lack_of<M>("waits_on_threads",
                        "a task joining a task queued behind it would hold the only worker");
    return;
  } else {
    for_each_worker_count<M>(
        "a join ends when its target is stopped", [](const run_options& options) {
          bool joined = false;
          M::run(options, [&]() -> task<M> {
            typename M::template channel<int> never_fed(1);
            // A source of the test's own: the joiner owns target's handle
            // (a handle is used by one thread at a time).
            std::stop_source stop;
            auto target = M::spawn([&]() -> task<M> {
              const std::optional<int> item = co_await never_fed.pop(stop.get_token());
              static_cast<void>(item);
            });
            auto joiner = M::spawn([&, t = std::move(target)]() mutable -> task<M> {
              co_await t.join();  // not a cancellation point: waits for target
              joined = true;
            });
            co_await settle<M>();
            stop.request_stop();
            co_await joiner.join();
          });
          CHECK(joined);
        });
  }
}
TEST_CASE_TEMPLATE_APPLY(async_cancel_join, stackless_models_under_test);

// ---------------------------------------------------------------------------------------------
// Wait morphing: a notified plain wait may be moved onto the mutex's queue rather than woken
// (the coroutines runtime does so). These check that the wait still returns holding the mutex.

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: wait morphing: after notify_all under the mutex, every waiter returns from "
    "wait holding it, one at a time",
    M, async_morphing_notify_all_under_mutex) {
  for_each_worker_count<M>("notify_all under the mutex", [](const run_options& options) {
    const std::size_t waiter_count = max_waiting_threads<M>(options, 64);
    bool all_registered = false;
    std::size_t returned_while_notifier_held = 0;
    bool all_returned_after_one_notify_all = false;
    std::size_t counter_after_join = 0;
    std::size_t overlaps = 0;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      typename M::condition_variable go_changed;
      std::size_t registered = 0;  // written under mutex
      bool go = false;             // written under mutex
      // counter — plain, written by each waiter after its wait returned: only the mutex that wait
      // must have taken back protects it, so a lost update is a failure.
      std::size_t counter = 0;
      // inside — set while a waiter is past its wait. Atomic (relaxed) only so that a wait that
      // returns without the mutex is a detected failure rather than a data race.
      std::atomic<bool> inside{false};
      std::atomic<std::size_t> seen_inside{0};
      std::atomic<std::size_t> returned{0};  // waiters whose wait has returned
      std::vector<typename M::thread> waiters;
      for (std::size_t i = 0; i < waiter_count; ++i) {
        waiters.push_back(M::spawn([&]() -> task<M> {
          auto lock = co_await mutex.scoped_lock();
          ++registered;
          while (!go) co_await go_changed.wait(lock);
          returned.fetch_add(1, std::memory_order_relaxed);
          if (inside.exchange(true, std::memory_order_relaxed)) {
            seen_inside.fetch_add(1, std::memory_order_relaxed);
          }
          const std::size_t seen = counter;
          // Hold the mutex across a suspension: a waiter let out of wait without it would enter
          // now, and on one worker this is the only moment it could.
          co_await M::yield();
          counter = seen + 1;
          inside.store(false, std::memory_order_relaxed);
        }));
      }
      all_registered =
          co_await eventually_locked<M>(mutex, [&] { return registered == waiter_count; });
      {
        auto lock = co_await mutex.scoped_lock();
        go = true;
        go_changed.notify_all();  // with the mutex held: no waiter may return until it is free
        // Still holding it, give a waiter that notify_all let out without the mutex the chance
        // to return (on every worker).
        co_await M::sleep_for(1ms);
        returned_while_notifier_held = returned.load(std::memory_order_relaxed);
      }
      all_returned_after_one_notify_all = co_await eventually_async<M>(
          [&] { return returned.load(std::memory_order_relaxed) == waiter_count; });
      // Recovery on a broken notify_all, as in the notify_all test above.
      while (returned.load(std::memory_order_relaxed) != waiter_count) {
        go_changed.notify_all();
        co_await M::sleep_for(1ms);
      }
      for (auto& waiter : waiters) co_await waiter.join();
      counter_after_join = counter;
      overlaps = seen_inside.load(std::memory_order_relaxed);
    });
    CHECK(all_registered);
    CHECK(returned_while_notifier_held == 0);
    CHECK(all_returned_after_one_notify_all);
    CHECK(overlaps == 0);
    CHECK(counter_after_join == waiter_count);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_morphing_notify_all_under_mutex, stackless_models_under_test);

// ping_pong_result — what one ping_pong saw: the counter at the end (2 * rounds when no turn
// was lost) and how many turns found it at a value other than their own.
struct ping_pong_result {
  int final_value = -1;
  int out_of_turn = -1;
};

// ping_pong<M>(rounds, pong_unlocks_to_notify) — the caller (ping) and a thread it spawns (pong)
// take `rounds` turns each at incrementing one counter, through one mutex and two condition
// variables: ping when the counter is even, pong when it is odd, each waiting for its turn in a
// predicate loop and notify_one-ing the other after its increment. Ping holds the mutex from its
// first turn to its last, releasing it only inside wait, and notifies with it held; so does pong
// unless pong_unlocks_to_notify. What a notification finds (the first and last of a run aside,
// when the other thread has not started or has finished):
//   - false: neither thread releases the mutex but inside wait, so the one notified is inside
//     wait and its notifier holds the mutex: every hand-off moves the waiter onto a held mutex,
//     which it gets once its notifier waits in turn;
//   - true: pong takes its turns only while ping is inside wait, and unlocks before it notifies:
//     every notification of ping moves it onto a free mutex, which it owns at once (pong's next
//     lock then waits for ping on the mutex, not in wait).
// The primitives live in this frame, which outlives pong: it joins pong.
template <class M>
task<M, ping_pong_result> ping_pong(int rounds, bool pong_unlocks_to_notify) {
  typename M::mutex mutex;
  typename M::condition_variable now_even;  // the counter became even: ping's turn
  typename M::condition_variable now_odd;   // the counter became odd: pong's turn
  int value = 0;                            // written under mutex
  int pong_wrong = 0;                       // written by pong only, read after join
  auto pong = M::spawn([&]() -> task<M> {
    if (pong_unlocks_to_notify) {
      for (int i = 0; i < rounds; ++i) {
        {
          auto lock = co_await mutex.scoped_lock();
          while (value % 2 != 1) co_await now_odd.wait(lock);
          if (value != 2 * i + 1) ++pong_wrong;
          ++value;
        }
        now_even.notify_one();
      }
    } else {
      auto lock = co_await mutex.scoped_lock();
      for (int i = 0; i < rounds; ++i) {
        while (value % 2 != 1) co_await now_odd.wait(lock);
        if (value != 2 * i + 1) ++pong_wrong;
        ++value;
        now_even.notify_one();
      }
    }
  });
  int ping_wrong = 0;
  {
    auto lock = co_await mutex.scoped_lock();
    for (int i = 0; i < rounds; ++i) {
      while (value % 2 != 0) co_await now_even.wait(lock);
      if (value != 2 * i) ++ping_wrong;
      ++value;
      now_odd.notify_one();
    }
  }
  co_await pong.join();  // a lost notification hangs here: the watchdog names it
  co_return ping_pong_result{value, ping_wrong + pong_wrong};
}

TEST_CASE_TEMPLATE_DEFINE(
    "coroutine form: wait morphing: notify_one with a predicate loop hands a counter back and "
    "forth 1000 times",
    M, async_morphing_ping_pong) {
  for_each_worker_count<M>("notify_one ping-pong", [](const run_options& options) {
    constexpr int rounds = 1'000;
    ping_pong_result onto_held_mutex;
    ping_pong_result onto_free_mutex;
    // Ping is the body and pong its one spawned thread, so that a fixed pool runs it too
    // (support.hpp).
    M::run(options, [&]() -> task<M> {
      onto_held_mutex = co_await ping_pong<M>(rounds, false);
      onto_free_mutex = co_await ping_pong<M>(rounds, true);
    });
    CHECK(onto_held_mutex.final_value == 2 * rounds);
    CHECK(onto_held_mutex.out_of_turn == 0);
    CHECK(onto_free_mutex.final_value == 2 * rounds);
    CHECK(onto_free_mutex.out_of_turn == 0);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_morphing_ping_pong, stackless_models_under_test);

}  // namespace
}  // namespace threadlab::conformance
