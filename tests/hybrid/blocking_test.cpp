// tests/hybrid/blocking_test.cpp — blocking calls and CPU hogs: the monitor hands a stuck
// worker's queue to a spare kernel thread, blocking(fn) moves the calling thread off its worker,
// spares stay within their bound, and deadlock detection waits for a blocking call to return.
//
// No test asserts a duration. Each runs at one worker, where a stall is total: without the
// hand-off the other thread would never run, and a bounded wait (a poll timeout, a spin deadline)
// turns that into a failed CHECK instead of a hang.
#include <doctest/doctest.h>

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <hybrid/blocking.hpp>
#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/scheduler.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {

using namespace std::chrono_literals;

// patience — how long a test waits for what a working scheduler does within milliseconds.
constexpr auto patience = 10s;

// pipe_pair — a pipe, closed at scope exit.
struct pipe_pair {
  int fds[2] = {-1, -1};
  pipe_pair() { REQUIRE(::pipe(fds) == 0); }
  ~pipe_pair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  // readable_within(t) — a blocking poll(2) on the read end: the kernel holds the caller.
  bool readable_within(std::chrono::milliseconds t) const {
    pollfd p{fds[0], POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(t.count())) == 1;
  }
  void write_byte() const { REQUIRE(::write(fds[1], "x", 1) == 1); }
};

// sleep_in_kernel(d) — nanosleep(2), a blocking system call the scheduler is not told about.
void sleep_in_kernel(std::chrono::nanoseconds d) {
  timespec ts{static_cast<time_t>(d.count() / 1'000'000'000),
              static_cast<long>(d.count() % 1'000'000'000)};
  while (::nanosleep(&ts, &ts) != 0) {
  }
}

// wait_started(started) — yield until a spawned thread sets `started`, bounded: on one worker the
// caller comes back only when that thread blocks, yields, ends, or loses the worker.
bool wait_started(const std::atomic<bool>& started) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!started.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    hybrid::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("a CPU hog does not stop the other threads of its worker from running") {
  std::atomic<bool> started{false};
  std::atomic<bool> body_ran{false};
  bool hog_saw_it = false;
  hybrid::stats st = hybrid::run(hybrid_test::with_workers(1), [&] {
    // The hog never yields: on one worker, the body runs again only if the monitor hands the
    // worker's queue to a spare kernel thread.
    auto hog = hybrid::spawn([&] {
      started.store(true, std::memory_order_release);
      const auto deadline = std::chrono::steady_clock::now() + patience;
      while (!body_ran.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() >= deadline) return;
      }
      hog_saw_it = true;
    });
    if (wait_started(started)) body_ran.store(true, std::memory_order_release);
    hog.join();
  });
  CHECK(hog_saw_it);
  CHECK(st.handoffs >= 1);
  CHECK(st.spare_carriers >= 1);
}

TEST_CASE("a thread blocked in a raw system call loses its worker to a spare") {
  pipe_pair p;
  std::atomic<bool> started{false};
  bool readable = false;
  hybrid::stats st = hybrid::run(hybrid_test::with_workers(1), [&] {
    // The reader blocks in poll(2) holding the only worker; the body writes once it runs again.
    auto reader = hybrid::spawn([&] {
      started.store(true, std::memory_order_release);
      readable = p.readable_within(patience);
    });
    if (wait_started(started)) p.write_byte();
    reader.join();
  });
  CHECK(readable);
  CHECK(st.handoffs >= 1);
}

TEST_CASE("blocking(fn) runs fn once, on the caller's stack, while its worker runs the others") {
  pipe_pair p;
  std::atomic<bool> started{false};
  bool readable = false;
  int calls = 0;
  int on_callers_stack = 41;
  hybrid::stats st = hybrid::run(hybrid_test::with_workers(1), [&] {
    auto reader = hybrid::spawn([&] {
      int mine = 41;
      readable = hybrid::blocking([&] {
        ++calls;
        ++mine;
        started.store(true, std::memory_order_release);
        return p.readable_within(patience);
      });
      on_callers_stack = mine;
    });
    if (wait_started(started)) p.write_byte();
    reader.join();
  });
  CHECK(readable);
  CHECK(calls == 1);
  CHECK(on_callers_stack == 42);
  CHECK(st.blocking_moves == 1);
}

TEST_CASE("blocking(fn) returns fn's value or reference, and fn's exception propagates") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    int value = 0;
    bool same_object = false;
    std::string error;
    int calls = 0;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      value = hybrid::blocking([&] {
        ++calls;
        return 7;
      });
      int target = 0;
      int& ref = hybrid::blocking([&]() -> int& {
        ++calls;
        return target;
      });
      same_object = &ref == &target;
      try {
        hybrid::blocking([&] {
          ++calls;
          throw std::runtime_error("from fn");
        });
      } catch (const std::runtime_error& e) {
        error = e.what();
      }
      hybrid::this_thread::yield();  // back among the workers: the scheduler still works
    });
    CHECK(value == 7);
    CHECK(same_object);
    CHECK(error == "from fn");
    CHECK(calls == 3);
  }
}

TEST_CASE("after blocking(fn) a thread stays on its kernel thread until it calls the scheduler") {
  unsigned count_seen_alone = 0;
  std::vector<unsigned> ids;
  hybrid::stats st = hybrid::run(hybrid_test::with_workers(2), [&] {
    // Ten blocking calls in a row: one move; the thread then rejoins at its yield.
    for (int i = 0; i < 10; ++i) hybrid::blocking([] { sleep_in_kernel(100us); });
    ids.push_back(hybrid::worker_id());
    hybrid::this_thread::yield();
    ids.push_back(hybrid::worker_id());
    // Another call after rejoining moves it again.
    hybrid::blocking([] { sleep_in_kernel(100us); });
    count_seen_alone = hybrid::worker_count();
  });
  CHECK(st.blocking_moves == 2);
  CHECK(count_seen_alone == 2);
  for (unsigned id : ids) CHECK(id < 2);
}

TEST_CASE("spare kernel threads stay within max_spare_carriers, and calls beyond it still run") {
  constexpr int callers = 12;
  hybrid::options o = hybrid_test::with_workers(2);
  o.max_spare_carriers = 3;
  std::atomic<int> done{0};
  hybrid::stats st = hybrid::run(o, [&] {
    std::vector<hybrid::thread> ts;
    for (int i = 0; i < callers; ++i) {
      ts.push_back(hybrid::spawn([&] {
        for (int k = 0; k < 5; ++k) {
          hybrid::blocking([] { sleep_in_kernel(2ms); });
          hybrid::this_thread::yield();  // rejoin, so that the next call asks for a spare again
        }
        done.fetch_add(1);
      }));
    }
    for (auto& t : ts) t.join();
  });
  CHECK(done.load() == callers);
  CHECK(st.spare_carriers <= 3);
  CHECK(st.blocking_moves >= 1);
}

TEST_CASE("a thread in a long blocking call is not a deadlock; a wait after it returns is") {
  // Not a deadlock: the body waits on a thread that is inside blocking(fn), which sends when it
  // returns.
  std::string message;
  int received = 0;
  try {
    hybrid::run(hybrid_test::with_workers(2), [&] {
      hybrid::channel<int> ch(1);
      auto sender = hybrid::spawn([&] {
        hybrid::blocking([] { sleep_in_kernel(200ms); });
        ch.push(1);
      });
      received = *ch.pop();
      sender.join();
    });
  } catch (const hybrid::deadlock_error& e) {
    message = e.what();
  }
  CHECK(message.empty());
  CHECK(received == 1);

  // A deadlock once the call has returned: the thread then waits on a channel nobody sends on.
  hybrid::channel<int> never(1);
  try {
    hybrid::run(hybrid_test::with_workers(2), [&] {
      auto t = hybrid::spawn(hybrid::spawn_options{"caller"}, [&] {
        hybrid::blocking([] { sleep_in_kernel(200ms); });
        never.pop();
      });
      t.join();
    });
  } catch (const hybrid::deadlock_error& e) {
    message = e.what();
  }
  CAPTURE(message);
  CHECK(message.find("(caller) in channel pop") != std::string::npos);
}

TEST_CASE("with monitor_period zero there is no monitor, and blocking(fn) still moves threads") {
  hybrid::options o = hybrid_test::with_workers(1);
  o.monitor_period = 0us;
  pipe_pair p;
  bool readable = false;
  std::atomic<bool> started{false};
  hybrid::stats st = hybrid::run(o, [&] {
    auto reader = hybrid::spawn([&] {
      readable = hybrid::blocking([&] {
        started.store(true, std::memory_order_release);
        return p.readable_within(patience);
      });
    });
    if (wait_started(started)) p.write_byte();
    reader.join();
  });
  CHECK(readable);
  CHECK(st.handoffs == 0);
  CHECK(st.blocking_moves == 1);
}
