// tests/conformance/coroutine_forms_test.cpp — the conformance tests in their coroutine form, on
// every stackless model (stackless_models_under_test): the same behaviours as thread_test,
// scheduling_test, mutex_test, condition_variable_test, channel_test and cancellation_test where
// they apply, every wait a co_await. Not here: blocking_test and net_test (a stackless model has
// neither blocking calls off its workers nor sockets).
//
// The rules of support.hpp hold: primitives are created inside M::run, every poll is bounded
// (eventually_async), the watchdog of for_each_worker_count covers the rest, and checks run after
// M::run returns.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

// task<M, T> — the coroutine type of M's threads.
template <class M, class T = void>
using task = typename M::template task<T>;

// eventually_async<M>(condition) — eventually (support.hpp) as a coroutine: polls condition()
// until true or `patience` has passed, co_awaiting M::yield, then short sleeps, between polls.
template <class M, class Condition>
task<M, bool> eventually_async(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (unsigned polls = 0;; ++polls) {
    if (condition()) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) co_return condition();
    if (polls < 1000) {
      co_await M::yield();
    } else {
      co_await M::sleep_for(100us);
    }
  }
}

TEST_CASE_TEMPLATE_DEFINE("coroutine form: spawn and join, the thread's writes visible after join",
                          M, async_spawn_and_join) {
  for_each_worker_count<M>("spawn and join", [](const run_options& options) {
    constexpr std::size_t thread_count = 8;
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

TEST_CASE_TEMPLATE_DEFINE("coroutine form: join rethrows the thread's exception", M,
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
    CHECK(sibling_ran);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_join_rethrows, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: run rethrows an exception escaping body", M,
                          async_run_rethrows) {
  for_each_worker_count<M>("run rethrows", [](const run_options& options) {
    CHECK_THROWS_WITH_AS(M::run(options,
                                []() -> task<M> {
                                  throw conformance_error("thrown by body");
                                  co_return;
                                }),
                         "thrown by body", conformance_error);
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

TEST_CASE_TEMPLATE_DEFINE("coroutine form: yield lets another ready thread run", M, async_yield) {
  for_each_worker_count<M>("yield", [](const run_options& options) {
    bool other_ran = false;
    M::run(options, [&]() -> task<M> {
      std::atomic<bool> flag{false};
      auto other = M::spawn([&flag]() -> task<M> {
        flag.store(true);
        co_return;
      });
      // On one worker only a yield lets the other thread run; the poll yields.
      other_ran = co_await eventually_async<M>([&] { return flag.load(); });
      co_await other.join();
    });
    CHECK(other_ran);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_yield, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: sleep_for waits at least its duration", M, async_sleep) {
  for_each_worker_count<M>("sleep", [](const run_options& options) {
    std::chrono::steady_clock::duration slept{};
    bool sibling_ran_meanwhile = false;
    M::run(options, [&]() -> task<M> {
      std::atomic<bool> flag{false};
      auto sibling = M::spawn([&flag]() -> task<M> {
        flag.store(true);
        co_return;
      });
      const auto start = std::chrono::steady_clock::now();
      co_await M::sleep_for(5ms);
      slept = std::chrono::steady_clock::now() - start;
      sibling_ran_meanwhile = flag.load();  // the sleep suspended the thread, not its worker
      co_await sibling.join();
    });
    CHECK(slept >= 5ms);
    CHECK(sibling_ran_meanwhile);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_sleep, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: the mutex admits one thread at a time", M,
                          async_mutex_exclusion) {
  for_each_worker_count<M>("mutex exclusion", [](const run_options& options) {
    constexpr std::uint64_t threads = 8;
    constexpr std::uint64_t rounds = 2'000;
    std::uint64_t counter = 0;  // plain: only the mutex protects it
    bool try_lock_failed_while_held = false;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      co_await mutex.lock();
      try_lock_failed_while_held = !mutex.try_lock();
      mutex.unlock();
      std::vector<typename M::thread> group;
      for (std::uint64_t t = 0; t < threads; ++t) {
        group.push_back(M::spawn([&]() -> task<M> {
          for (std::uint64_t i = 0; i < rounds; ++i) {
            auto lock = co_await mutex.scoped_lock();
            const std::uint64_t seen = counter;
            if (i % 64 == 0) co_await M::yield();  // hold it across a suspension now and then
            counter = seen + 1;
          }
        }));
      }
      for (auto& thread : group) co_await thread.join();
    });
    CHECK(try_lock_failed_while_held);
    CHECK(counter == threads * rounds);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_mutex_exclusion, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: notify wakes a condition variable waiter", M,
                          async_condition_variable) {
  for_each_worker_count<M>("cv notify", [](const run_options& options) {
    int seen = 0;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      typename M::condition_variable ready_cv;
      int value = 0;  // under mutex
      auto waiter = M::spawn([&]() -> task<M> {
        auto lock = co_await mutex.scoped_lock();
        while (value == 0) co_await ready_cv.wait(lock);
        seen = value;
      });
      co_await M::sleep_for(1ms);  // most runs: the waiter is asleep in wait
      {
        auto lock = co_await mutex.scoped_lock();
        value = 42;
      }
      ready_cv.notify_all();
      co_await waiter.join();
    });
    CHECK(seen == 42);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_condition_variable, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: close drains the channel, then ends pops and pushes", M,
                          async_channel_close) {
  for_each_worker_count<M>("channel close", [](const run_options& options) {
    std::vector<int> drained;
    bool ended_after_drain = false;
    bool push_after_close = true;
    bool blocked_pop_woken_empty = false;
    M::run(options, [&]() -> task<M> {
      typename M::template channel<int> ch(4);
      for (int i = 1; i <= 3; ++i) co_await ch.push(i);
      ch.close();
      while (std::optional<int> v = co_await ch.pop()) drained.push_back(*v);
      ended_after_drain = true;
      push_after_close = co_await ch.push(9);

      typename M::template channel<int> empty(1);
      std::atomic<bool> popping{false};
      auto popper = M::spawn([&]() -> task<M> {
        popping.store(true);
        const std::optional<int> v = co_await empty.pop();
        blocked_pop_woken_empty = !v.has_value();
      });
      co_await eventually_async<M>([&] { return popping.load(); });
      co_await M::sleep_for(1ms);
      empty.close();
      co_await popper.join();
    });
    CHECK(drained == std::vector<int>{1, 2, 3});
    CHECK(ended_after_drain);
    CHECK_FALSE(push_after_close);
    CHECK(blocked_pop_woken_empty);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_channel_close, stackless_models_under_test);

TEST_CASE_TEMPLATE_DEFINE("coroutine form: a stop ends a condition variable wait and a pop", M,
                          async_cancellation) {
  for_each_worker_count<M>("a stop ends waits", [](const run_options& options) {
    bool cv_returned_false = false;
    bool pop_returned_empty = false;
    bool channel_still_open = false;
    bool requests_made = false;
    M::run(options, [&]() -> task<M> {
      typename M::mutex mutex;
      typename M::condition_variable never_notified;
      typename M::template channel<int> ch(1);
      std::atomic<int> waiting{0};
      auto cv_waiter = M::spawn([&](std::stop_token token) -> task<M> {
        auto lock = co_await mutex.scoped_lock();
        waiting.fetch_add(1);
        const bool woke = co_await never_notified.wait(lock, token, [] { return false; });
        cv_returned_false = !woke;
      });
      auto popper = M::spawn([&](std::stop_token token) -> task<M> {
        waiting.fetch_add(1);
        const std::optional<int> v = co_await ch.pop(token);
        pop_returned_empty = !v.has_value();
      });
      co_await eventually_async<M>([&] { return waiting.load() == 2; });
      co_await M::sleep_for(2ms);
      const bool first = cv_waiter.request_stop();
      const bool second = popper.request_stop();
      requests_made = first && second;
      co_await cv_waiter.join();
      co_await popper.join();
      // The stop ended one caller's pop, not the channel.
      const bool pushed = co_await ch.push(7);
      const std::optional<int> back = co_await ch.pop();
      channel_still_open = pushed && back == 7;
    });
    CHECK(requests_made);
    CHECK(cv_returned_false);
    CHECK(pop_returned_empty);
    CHECK(channel_still_open);
  });
}
TEST_CASE_TEMPLATE_APPLY(async_cancellation, stackless_models_under_test);

}  // namespace
}  // namespace threadlab::conformance
