// tests/conformance/mutex_test.cpp — M::mutex on every model: mutual exclusion under
// contention, lock blocking while held, try_lock.
//
// None of these tests needs waits_on_threads: a thread blocked on the mutex waits for its holder,
// which is running (or is the body), never for a thread still waiting for a worker.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

TEST_CASE_TEMPLATE_DEFINE("mutex: no two threads are ever inside the critical section at once", M,
                          mutex_excludes) {
  for_each_worker_count<M>("mutex mutual exclusion", [](const run_options& options) {
    constexpr unsigned thread_count = 4;
    constexpr unsigned rounds = 500;
    std::uint64_t counter_after_join = 0;
    std::uint64_t overlaps = 0;
    M::run(options, [&] {
      typename M::mutex mutex;
      std::uint64_t counter = 0;  // plain, written under mutex: a lost update is a failure
      // inside — set while a thread is in the critical section. Atomic (relaxed) only so that a
      // broken mutex is a detected failure rather than a data race; the mutex orders it.
      std::atomic<bool> inside{false};
      std::atomic<std::uint64_t> seen_inside{0};
      std::vector<typename M::thread> threads;
      for (unsigned t = 0; t < thread_count; ++t) {
        threads.push_back(M::spawn([&] {
          for (unsigned r = 0; r < rounds; ++r) {
            std::lock_guard lock(mutex);
            if (inside.exchange(true, std::memory_order_relaxed)) {
              seen_inside.fetch_add(1, std::memory_order_relaxed);
            }
            ++counter;
            // Yield while holding the lock: on a cooperative model this is the only moment
            // another thread can try to enter, so a mutex that does not block is caught.
            M::yield();
            inside.store(false, std::memory_order_relaxed);
          }
        }));
      }
      for (auto& thread : threads) thread.join();
      counter_after_join = counter;
      overlaps = seen_inside.load(std::memory_order_relaxed);
    });
    CHECK(overlaps == 0);
    CHECK(counter_after_join == std::uint64_t{thread_count} * rounds);
  });
}
TEST_CASE_TEMPLATE_APPLY(mutex_excludes, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("mutex: lock blocks while another thread holds it and proceeds on unlock",
                          M, mutex_lock_blocks) {
  for_each_worker_count<M>("mutex lock blocks", [](const run_options& options) {
    bool started = false;
    bool acquired_while_held = false;
    bool acquired_after_unlock = false;
    M::run(options, [&] {
      typename M::mutex mutex;
      std::atomic<bool> waiter_started{false};
      std::atomic<bool> waiter_acquired{false};
      mutex.lock();
      // The body holds the lock; the waiter blocks on the body, which always runs.
      auto waiter = M::spawn([&] {
        waiter_started.store(true, std::memory_order_relaxed);
        std::lock_guard lock(mutex);
        waiter_acquired.store(true, std::memory_order_relaxed);
      });
      started = eventually<M>([&] { return waiter_started.load(std::memory_order_relaxed); });
      M::sleep_for(5ms);  // give a broken lock() the chance to return
      acquired_while_held = waiter_acquired.load(std::memory_order_relaxed);
      mutex.unlock();
      waiter.join();
      acquired_after_unlock = waiter_acquired.load(std::memory_order_relaxed);
    });
    CHECK(started);
    CHECK_FALSE(acquired_while_held);
    CHECK(acquired_after_unlock);
  });
}
TEST_CASE_TEMPLATE_APPLY(mutex_lock_blocks, models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "mutex: try_lock fails while another thread holds it and succeeds once free", M,
    mutex_try_lock) {
  for_each_worker_count<M>("mutex try_lock", [](const run_options& options) {
    bool acquired_while_held = true;
    bool acquired_when_free = false;
    M::run(options, [&] {
      typename M::mutex mutex;
      mutex.lock();
      auto while_held = M::spawn([&] {
        acquired_while_held = mutex.try_lock();
        if (acquired_while_held) mutex.unlock();
      });
      while_held.join();
      mutex.unlock();
      auto when_free = M::spawn([&] {
        acquired_when_free = mutex.try_lock();
        if (acquired_when_free) mutex.unlock();
      });
      when_free.join();
    });
    CHECK_FALSE(acquired_while_held);
    CHECK(acquired_when_free);
  });
}
TEST_CASE_TEMPLATE_APPLY(mutex_try_lock, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
