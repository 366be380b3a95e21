// tests/kernel_threads/thread_pool_test.cpp — kernel_threads::thread_pool: results, exceptions,
// shutdown(drain) and shutdown(cancel).
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <vector>

#include "kernel_threads/thread_pool.hpp"

namespace {

// gate — a one-shot latch the test opens to let blocked tasks go on.
class gate {
 public:
  void open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace

TEST_CASE("submit returns a future with the task's result") {
  kernel_threads::thread_pool pool(2);
  CHECK(pool.size() == 2);
  auto answer = pool.submit([] { return 6 * 7; });
  auto nothing = pool.submit([] {});
  CHECK(answer.get() == 42);
  nothing.get();
}

TEST_CASE("an exception escaping a task reaches its future and the worker survives") {
  kernel_threads::thread_pool pool(1);
  auto failing = pool.submit([]() -> int { throw std::runtime_error("task failed"); });
  CHECK_THROWS_WITH_AS(failing.get(), "task failed", std::runtime_error);
  CHECK(pool.submit([] { return 1; }).get() == 1);  // the single worker is still there
}

TEST_CASE("tasks run on the pool's workers and not on the submitter") {
  kernel_threads::thread_pool pool(2);
  CHECK_FALSE(pool.on_worker_thread());
  CHECK(pool.submit([&pool] { return pool.on_worker_thread(); }).get());
}

TEST_CASE("shutdown(drain) runs every queued task before stopping") {
  constexpr int tasks = 200;
  std::atomic<int> ran{0};
  gate hold;
  kernel_threads::thread_pool pool(2);
  // Block both workers so the rest of the tasks are still queued when shutdown starts.
  auto blocker1 = pool.submit([&] { hold.wait(); });
  auto blocker2 = pool.submit([&] { hold.wait(); });
  std::vector<std::future<void>> futures;
  for (int i = 0; i < tasks; ++i) futures.push_back(pool.submit([&] { ran.fetch_add(1); }));
  hold.open();
  pool.shutdown(kernel_threads::shutdown_mode::drain);
  CHECK(ran.load() == tasks);
  for (auto& f : futures) f.get();  // none reports an error
  CHECK_THROWS_AS(pool.submit([] {}), kernel_threads::pool_closed);
}

TEST_CASE("shutdown(cancel) drops queued tasks and their futures report task_cancelled") {
  constexpr int queued = 50;
  std::atomic<int> ran{0};
  std::atomic<bool> running{false};
  gate hold;
  kernel_threads::thread_pool pool(1);
  auto blocker = pool.submit([&] {
    running = true;
    hold.wait();
  });
  std::vector<std::future<void>> futures;
  for (int i = 0; i < queued; ++i) futures.push_back(pool.submit([&] { ran.fetch_add(1); }));
  while (!running.load()) std::this_thread::yield();  // the worker holds the blocker task

  // shutdown(cancel) cancels the queue, then waits for the running blocker: open the gate from
  // another thread once every queued future is ready (i.e. cancelled).
  kernel_threads::thread opener([&] {
    for (auto& f : futures) f.wait();
    hold.open();
  });
  pool.shutdown(kernel_threads::shutdown_mode::cancel);
  opener.join();

  blocker.get();  // the running task was allowed to finish
  CHECK(ran.load() == 0);
  for (auto& f : futures) CHECK_THROWS_AS(f.get(), kernel_threads::task_cancelled);
}

TEST_CASE("the destructor drains the queue") {
  std::atomic<int> ran{0};
  {
    kernel_threads::thread_pool pool(1);
    for (int i = 0; i < 100; ++i) pool.submit([&] { ran.fetch_add(1); });
  }
  CHECK(ran.load() == 100);
}

TEST_CASE("shutdown is idempotent") {
  kernel_threads::thread_pool pool(2);
  pool.shutdown(kernel_threads::shutdown_mode::cancel);
  pool.shutdown(kernel_threads::shutdown_mode::drain);
  CHECK_THROWS_AS(pool.submit([] {}), kernel_threads::pool_closed);
}

TEST_CASE("a pool of zero workers is refused") {
  CHECK_THROWS_AS(kernel_threads::thread_pool(0), std::invalid_argument);
}

TEST_CASE("workers are named from pool_options") {
  kernel_threads::thread_pool pool(
      2, kernel_threads::pool_options{.worker = {.stack_size = 0, .name = "crunch"}});
  const std::string name = pool.submit([] {
                                 char buf[32] = {};
                                 pthread_getname_np(pthread_self(), buf, sizeof buf);
                                 return std::string(buf);
                               })
                               .get();
  CHECK((name == "crunch-0" || name == "crunch-1"));
}
