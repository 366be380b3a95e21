// tests/conformance/condition_variable_test.cpp — M::condition_variable on every model:
// notify_one wakes a waiter, notify_all wakes every waiter.
//
// The waiters are spawned threads and the notifier is the body, which on a fixed pool runs
// outside the pool; so the tests run on models without waits_on_threads too, with no more
// waiters than workers (max_waiting_threads). Waiters use a predicate loop, as the contract's
// spurious wake-ups require, and register under the mutex before waiting: once the notifier
// holds the mutex and sees every waiter registered, each one is inside wait.
#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

TEST_CASE_TEMPLATE_DEFINE("condition_variable: notify_one wakes a waiting thread", M,
                          cv_notify_one) {
  for_each_worker_count<M>("notify_one wakes a waiter", [](const run_options& options) {
    bool waiter_registered = false;
    bool woke_with_flag_set = false;
    M::run(options, [&] {
      typename M::mutex mutex;
      typename M::condition_variable ready_changed;
      bool registered = false;  // written under mutex
      bool ready = false;       // written under mutex
      auto waiter = M::spawn([&] {
        std::unique_lock lock(mutex);
        registered = true;
        while (!ready) ready_changed.wait(lock);
        woke_with_flag_set = ready;  // wait returned holding the lock, predicate true
      });
      waiter_registered = eventually<M>([&] {
        std::lock_guard lock(mutex);
        return registered;
      });
      {
        std::lock_guard lock(mutex);
        ready = true;
      }
      ready_changed.notify_one();
      waiter.join();  // a lost wake-up hangs here: the watchdog names it
    });
    CHECK(waiter_registered);
    CHECK(woke_with_flag_set);
  });
}
TEST_CASE_TEMPLATE_APPLY(cv_notify_one, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("condition_variable: notify_all wakes every waiting thread", M,
                          cv_notify_all) {
  for_each_worker_count<M>("notify_all wakes all waiters", [](const run_options& options) {
    const std::size_t waiter_count = max_waiting_threads<M>(options, 4);
    bool all_registered = false;
    bool all_woken_by_one_notify_all = false;
    std::size_t woken_after_join = 0;
    M::run(options, [&] {
      typename M::mutex mutex;
      typename M::condition_variable go_changed;
      std::size_t registered = 0;  // written under mutex
      std::size_t woken = 0;       // written under mutex
      bool go = false;             // written under mutex
      std::vector<typename M::thread> waiters;
      for (std::size_t i = 0; i < waiter_count; ++i) {
        waiters.push_back(M::spawn([&] {
          std::unique_lock lock(mutex);
          ++registered;
          while (!go) go_changed.wait(lock);
          ++woken;
        }));
      }
      all_registered = eventually<M>([&] {
        std::lock_guard lock(mutex);
        return registered == waiter_count;
      });
      {
        std::lock_guard lock(mutex);
        go = true;
      }
      go_changed.notify_all();  // exactly once: every waiter must wake from this call
      all_woken_by_one_notify_all = eventually<M>([&] {
        std::lock_guard lock(mutex);
        return woken == waiter_count;
      });
      // Recovery on a broken notify_all: keep notifying, so that the test fails on the CHECK
      // below instead of hanging in join (the watchdog bounds this loop).
      while (!all_woken_by_one_notify_all) {
        {
          std::lock_guard lock(mutex);
          if (woken == waiter_count) break;
        }
        go_changed.notify_all();
        go_changed.notify_one();
        M::sleep_for(1ms);
      }
      for (auto& waiter : waiters) waiter.join();
      woken_after_join = woken;
    });
    CHECK(all_registered);
    CHECK(all_woken_by_one_notify_all);
    CHECK(woken_after_join == waiter_count);
  });
}
TEST_CASE_TEMPLATE_APPLY(cv_notify_all, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
