// tests/hybrid/scheduler_test.cpp — the scheduler's own behaviour: work spreads over workers
// (stealing), migrating threads keep their state, run waits for everything, idle workers
// sleep, deadlocks are reported, a worker that cannot be started is reported.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/scheduler.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "support.hpp"

namespace {

// busy_for(d) — burn CPU (without yielding) for d of wall time.
void busy_for(std::chrono::microseconds d) {
  auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
  }
}

}  // namespace

TEST_CASE("every worker runs threads and stealing happens") {
  for (unsigned workers : {2u, 4u}) {
    CAPTURE(workers);
    std::atomic<unsigned> seen_mask{0};
    hybrid::stats st = hybrid::run(hybrid_test::with_workers(workers), [&] {
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 64; ++i) {
        ts.push_back(hybrid::spawn([&] {
          // Keep working until every worker has run some thread (bounded at ~2 s).
          for (int round = 0; round < 2000; ++round) {
            seen_mask.fetch_or(1u << hybrid::worker_id());
            if (seen_mask.load() == (1u << workers) - 1) break;
            busy_for(std::chrono::microseconds(1000));
            hybrid::this_thread::yield();
          }
        }));
      }
      for (auto& t : ts) t.join();
    });
    CHECK(seen_mask.load() == (1u << workers) - 1);
    CHECK(st.steals > 0);
    CHECK(st.threads_stolen >= st.steals);
    CHECK(st.workers == workers);
    CHECK(st.threads_spawned == 65);
  }
}

TEST_CASE("a thread that migrates between workers keeps its state") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    constexpr int ring = 8;
    std::atomic<int> migrations{0};
    std::atomic<int> corrupted{0};
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      std::vector<std::unique_ptr<hybrid::channel<int>>> inbox;
      for (int i = 0; i < ring; ++i) inbox.push_back(std::make_unique<hybrid::channel<int>>(4));
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < ring; ++i) {
        ts.push_back(hybrid::spawn([&, i] {
          // State on this thread's own stack, checked after every blocking call.
          int local[64];
          for (int k = 0; k < 64; ++k) local[k] = i * 1000 + k;
          const std::uint64_t my_id = hybrid::this_thread::get_id();
          unsigned last_worker = hybrid::worker_id();
          for (;;) {
            std::optional<int> hops = inbox[i]->pop();
            if (!hops) break;
            for (int k = 0; k < 64; ++k) {
              if (local[k] != i * 1000 + k) corrupted.fetch_add(1);
            }
            if (hybrid::this_thread::get_id() != my_id) corrupted.fetch_add(1);
            unsigned now = hybrid::worker_id();
            if (now != last_worker) migrations.fetch_add(1);
            last_worker = now;
            busy_for(std::chrono::microseconds(20));
            if (*hops == 0) {
              for (auto& c : inbox) c->close();
              break;
            }
            inbox[(i + 1) % ring]->push(*hops - 1);
          }
        }));
      }
      // Several tokens circulate; the ring ends when one has made 2000 hops.
      for (int tok = 0; tok < 3; ++tok) inbox[tok * 3 % ring]->push(2000);
      for (auto& t : ts) t.join();
    });
    CHECK(corrupted.load() == 0);
    MESSAGE("migrations observed: " << migrations.load());
  }
}

TEST_CASE("a thread woken from another worker moves there, with its stack intact") {
  for (unsigned workers : {2u, 4u}) {
    CAPTURE(workers);
    unsigned before = 0, after = 0, pusher_worker = 99;
    bool intact = false, pushed = false;
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      hybrid::channel<int> wake(1);
      std::atomic<int> sleeper_worker{-1};
      std::atomic<bool> claimed{false};
      auto sleeper = hybrid::spawn([&] {
        int local[32];
        for (int k = 0; k < 32; ++k) local[k] = k * 7;
        before = hybrid::worker_id();
        sleeper_worker.store(static_cast<int>(before));
        wake.pop();
        after = hybrid::worker_id();
        intact = true;
        for (int k = 0; k < 32; ++k) intact = intact && local[k] == k * 7;
      });
      // Candidates spread over the workers (stealing); the first one that finds itself on a
      // worker other than the sleeper's wakes it. Bounded at ~2 s.
      std::vector<hybrid::thread> candidates;
      for (int c = 0; c < 16; ++c) {
        candidates.push_back(hybrid::spawn([&] {
          for (int round = 0; round < 2000 && !claimed.load(); ++round) {
            int sw = sleeper_worker.load();
            unsigned me = hybrid::worker_id();
            if (sw >= 0 && static_cast<int>(me) != sw && !claimed.exchange(true)) {
              pusher_worker = me;
              pushed = true;
              wake.push(1);  // the sleeper goes to this worker's LIFO slot
              return;
            }
            busy_for(std::chrono::microseconds(1000));
            hybrid::this_thread::yield();
          }
        }));
      }
      for (auto& c : candidates) c.join();
      if (!claimed.exchange(true)) wake.push(0);  // never found: unblock the sleeper anyway
      sleeper.join();
    });
    REQUIRE(pushed);
    CHECK(intact);
    CHECK(after != before);
    CHECK(after == pusher_worker);
  }
}

TEST_CASE("run returns only after every spawned thread finished, even unjoined ones") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    std::atomic<int> finished{0};
    hybrid::run(hybrid_test::with_workers(workers), [&] {
      for (int i = 0; i < 100; ++i) {
        // The handle is dropped at once (detached): the body returns while these are busy.
        hybrid::spawn([&, i] {
          for (int k = 0; k < 20; ++k) hybrid::this_thread::yield();
          if (i % 10 == 0) hybrid::this_thread::sleep_for(std::chrono::milliseconds(5));
          finished.fetch_add(1);
        });
      }
    });
    CHECK(finished.load() == 100);
  }
}

TEST_CASE("run rethrows an exception that escaped the body") {
  CHECK_THROWS_WITH_AS(
      hybrid::run(hybrid_test::with_workers(2), [] { throw std::runtime_error("body failed"); }),
      "body failed", std::runtime_error);
}

TEST_CASE("a deadlock makes run throw, naming each blocked thread and where it waits") {
  for (unsigned workers : hybrid_test::worker_counts) {
    CAPTURE(workers);
    std::string message;
    std::size_t blocked = 0;
    // Outside the run: deadlocked threads are not unwound, so what they own is never freed.
    hybrid::channel<int> never(1);
    try {
      hybrid::run(hybrid_test::with_workers(workers), [&] {
        auto a = hybrid::spawn(hybrid::spawn_options{"alice"}, [&] { never.pop(); });
        auto b = hybrid::spawn(hybrid::spawn_options{"bob"}, [&] { never.pop(); });
        a.join();
        b.join();
      });
    } catch (const hybrid::deadlock_error& e) {
      message = e.what();
      blocked = e.blocked_threads();
    }
    CAPTURE(message);
    CHECK(blocked == 3);  // alice, bob and the body joining alice
    CHECK(message.find("deadlock") != std::string::npos);
    CHECK(message.find("(alice) in channel pop") != std::string::npos);
    CHECK(message.find("(bob) in channel pop") != std::string::npos);
    CHECK(message.find("(main) in join of #") != std::string::npos);
  }
}

TEST_CASE("a deadlock on a mutex and a condition variable is reported too") {
  std::string message;
  try {
    hybrid::run(hybrid_test::with_workers(2), [] {
      hybrid::mutex m;
      hybrid::condition_variable cv;
      m.lock();
      auto waiter = hybrid::spawn(hybrid::spawn_options{"locker"}, [&] { m.lock(); });
      auto cond = hybrid::spawn(hybrid::spawn_options{"sleeper"}, [&] {
        hybrid::mutex own;
        std::unique_lock<hybrid::mutex> lk(own);
        cv.wait(lk);
      });
      cond.join();
      waiter.join();
    });
  } catch (const hybrid::deadlock_error& e) {
    message = e.what();
  }
  CAPTURE(message);
  CHECK(message.find("(locker) in mutex lock") != std::string::npos);
  CHECK(message.find("(sleeper) in condition variable wait") != std::string::npos);
}

TEST_CASE("describe_threads lists a running world's threads from a kernel thread outside it") {
  CHECK(hybrid::describe_threads().empty());  // no world runs
  std::string listing;
  // One worker: every state the listing reads was written on this kernel thread, before the
  // std::thread that reads it was created.
  hybrid::options o = hybrid_test::with_workers(1);
  o.monitor_period = std::chrono::microseconds(0);  // no hand-off: nothing else touches a thread
  hybrid::run(o, [&] {
    hybrid::channel<int> ch(2);
    auto a = hybrid::spawn(hybrid::spawn_options{"alice"}, [&] { ch.pop(); });
    auto b = hybrid::spawn(hybrid::spawn_options{"bob"}, [&] { ch.pop(); });
    hybrid::this_thread::sleep_for(std::chrono::milliseconds(20));  // both park in pop
    std::thread watchdog([&] { listing = hybrid::describe_threads(); });
    watchdog.join();
    ch.push(1);
    ch.push(2);
    a.join();
    b.join();
  });
  CAPTURE(listing);
  CHECK(listing.rfind("hybrid: 3 green threads on 1 worker:\n", 0) == 0);
  CHECK(listing.find("  2 blocked in channel pop\n") != std::string::npos);
  CHECK(listing.find("  1 running\n") != std::string::npos);
  CHECK(listing.find("(main): running on worker 0") != std::string::npos);
  CHECK(listing.find("(alice): blocked in channel pop") != std::string::npos);
  CHECK(listing.find("(bob): blocked in channel pop") != std::string::npos);
  CHECK(hybrid::describe_threads().empty());  // the world has ended
}

TEST_CASE("idle workers sleep instead of polling") {
  for (unsigned workers : {2u, 4u}) {
    CAPTURE(workers);
    double cpu_during_sleep = -1;
    hybrid::stats st = hybrid::run(hybrid_test::with_workers(workers), [&] {
      // Wake every worker with some stealable work first.
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 16; ++i)
        ts.push_back(hybrid::spawn([] { busy_for(std::chrono::microseconds(500)); }));
      for (auto& t : ts) t.join();
      double before = hybrid_test::process_cpu_seconds();
      hybrid::this_thread::sleep_for(std::chrono::milliseconds(300));
      cpu_during_sleep = hybrid_test::process_cpu_seconds() - before;
    });
    // Polling workers would burn ~0.3 s each; sleeping ones next to nothing. The bound is
    // loose (a tenth of one worker polling) for a noisy machine.
    CHECK(cpu_during_sleep >= 0);
    CHECK(cpu_during_sleep < 0.03 * workers);
    CHECK(st.worker_parks > 0);
  }
}

TEST_CASE("worker_id and worker_count describe the run") {
  unsigned count = 0, id = 99;
  hybrid::run(hybrid_test::with_workers(3), [&] {
    count = hybrid::worker_count();
    id = hybrid::worker_id();
  });
  CHECK(count == 3);
  CHECK(id < 3);
}

TEST_CASE("runs can follow each other, and the LIFO slot serves a ping-pong") {
  for (int rep = 0; rep < 3; ++rep) {
    int mismatches = 0;
    hybrid::stats st = hybrid::run(hybrid_test::with_workers(2), [&] {
      hybrid::channel<int> ping(1), pong(1);
      auto a = hybrid::spawn([&] {
        for (int i = 0; i < 1000; ++i) {
          ping.push(i);
          if (pong.pop() != i) ++mismatches;
        }
      });
      for (int i = 0; i < 1000; ++i) pong.push(*ping.pop());
      a.join();
    });
    CHECK(mismatches == 0);
    CHECK(st.lifo_runs > 0);
  }
}

TEST_CASE("stats: the scheduler's own counters count what happened") {
  SUBCASE("one worker: every spawn is a local push, every sleep a timer fire, nothing stolen") {
    hybrid::stats st = hybrid::run(hybrid_test::with_workers(1), [] {
      std::vector<hybrid::thread> ts;
      for (int i = 0; i < 10; ++i) {
        ts.push_back(
            hybrid::spawn([] { hybrid::this_thread::sleep_for(std::chrono::microseconds(100)); }));
      }
      for (auto& t : ts) t.join();
    });
    CHECK(st.threads_spawned == 11);
    CHECK(st.local_pushes >= 10);     // the spawns; a joiner displaced from the LIFO slot adds one
    CHECK(st.injection_pushes == 1);  // the body
    CHECK(st.timer_fires == 10);
    CHECK(st.steals == 0);
    CHECK(st.threads_stolen == 0);
    CHECK(st.worker_unparks == 0);  // nobody else to wake
  }
  SUBCASE("two workers: a sleeping worker is woken for stealable work, and steals it") {
    hybrid::stats st = hybrid::run(hybrid_test::with_workers(2), [] {
      // Let worker 1 fall asleep, then give it work that keeps worker 0 busy.
      hybrid::this_thread::sleep_for(std::chrono::milliseconds(20));
      // The spinner is spawned last, so it runs first here (LIFO) and holds worker 0 until the
      // releaser, queued behind it, runs: on worker 1, which must be woken and steal it.
      std::atomic<bool> go{false};
      auto releaser = hybrid::spawn([&] { go.store(true, std::memory_order_release); });
      auto spinner = hybrid::spawn([&] {
        while (!go.load(std::memory_order_acquire)) {
        }
      });
      spinner.join();
      releaser.join();
    });
    CHECK(st.worker_parks >= 1);
    CHECK(st.worker_unparks >= 1);
    // Stolen within microseconds, normally; on a very slow machine (sanitizers) the monitor
    // may hand worker 0's queue to a spare first (10 ms), which frees the releaser too.
    CHECK(st.steals + st.handoffs >= 1);
    CHECK(st.threads_stolen >= st.steals);
  }
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
// ThreadSanitizer cannot start threads in a child forked from a multi-threaded process;
// AddressSanitizer's shadow memory does not fit under an RLIMIT_AS this low.
TEST_CASE("a worker that cannot be started: run throws, naming it, and the body never runs" *
          doctest::skip()) {
#else
TEST_CASE("a worker that cannot be started: run throws, naming it, and the body never runs") {
#endif
  std::string err;
  int status = 0;
  hybrid_test::run_in_child(
      [] {
        // Room for the run's own setup (the stack pool maps its thread stacks 8 MiB at a
        // time) and not for many kernel workers' 8 MiB stacks (glibc may reuse a few cached
        // stacks of the parent's ended threads: 16 workers are past them).
        unsigned long pages = 0;
        std::FILE* statm = std::fopen("/proc/self/statm", "r");
        if (statm == nullptr || std::fscanf(statm, "%lu", &pages) != 1) std::_Exit(3);
        std::fclose(statm);
        const rlim_t mapped = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::getpagesize());
        const rlim_t room = (8u << 20) + (6u << 20);
        const rlimit limit{mapped + room, mapped + room};
        if (::setrlimit(RLIMIT_AS, &limit) != 0) std::_Exit(4);
        try {
          hybrid::run(hybrid_test::with_workers(16), [] { std::fputs("the body ran\n", stderr); });
          std::fputs("run returned\n", stderr);
        } catch (const std::system_error& e) {
          std::fprintf(stderr, "%s (%s)\n", e.what(),
                       e.code() == std::errc::resource_unavailable_try_again ? "EAGAIN" : "other");
        }
      },
      err, status);
  CAPTURE(err);
  CHECK(WIFEXITED(status));
  if (WIFEXITED(status)) CHECK(WEXITSTATUS(status) == 0);
  CHECK(err.find("hybrid: cannot start kernel worker ") != std::string::npos);
  CHECK(err.find(" of 16: ") != std::string::npos);
  CHECK(err.find("(EAGAIN)") != std::string::npos);
  CHECK(err.find("the body ran") == std::string::npos);
}
