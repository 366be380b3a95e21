// tests/soak/sleep_activity.hpp — timers and blocking calls: every sleep lasts at least what it
// asked, and every M::blocking call runs its function exactly once and returns its result.
//
// How (sleep_plan): `threads` threads each sleep `sleeps` times for a drawn duration: through
// M::sleep_for (the model's timers), or, one time in blocking_one_in, as a kernel sleep inside
// M::blocking (the model's way around a call that blocks in the kernel: a helper thread, a
// hand-off, or the call inline), whose function returns a value the caller checks.
//
// Checked, after M::run: no sleep ended early (measured with steady_clock around the call: the
// only timing a loaded machine cannot break); the blocking calls ran as many times as the plan
// asked and each returned its own function's value.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

class sleep_activity {
 public:
  sleep_activity(const sleep_plan& p, std::string name) : plan_(p), name_(std::move(name)) {}

  // run<M>() — the activity's root thread. Never throws.
  template <model M>
  void run() {
    guarded(notes_, "root", [&] {
      thread_list<M> threads;
      for (unsigned t = 0; t < plan_.threads; ++t) {
        threads.spawn(
            [this, t] { guarded(notes_, "sleeper " + std::to_string(t), [&] { sleep<M>(t); }); });
      }
      join_all_noting(threads, notes_, "sleeper");
    });
  }

  void check(findings& out) const {
    notes_.copy_to(out, name_);
    std::uint64_t sleeps = 0;
    std::uint64_t blocking = 0;
    for (unsigned t = 0; t < plan_.threads; ++t) {
      rng r = rng_of(t);
      for (unsigned s = 0; s < plan_.sleeps; ++s) {
        static_cast<void>(r.between(0, plan_.max_sleep_us));
        ++(r.one_in(plan_.blocking_one_in) ? blocking : sleeps);
      }
    }
    expect_equal(out, name_, "sleep_for calls that returned", sleeps, sleeps_done_.load());
    expect_equal(out, name_, "blocking functions run", blocking, blocking_runs_.load());
    expect_equal(out, name_, "blocking calls that returned", blocking, blocking_done_.load());
    expect_equal(out, name_, "blocking calls that returned another value", 0,
                 wrong_results_.load());
    expect_equal(out, name_, "sleeps that ended early", 0, early_.load());
  }

  std::string progress() const {
    return name_ + ": " + std::to_string(sleeps_done_.load()) + " sleeps and " +
           std::to_string(blocking_done_.load()) + " blocking calls returned";
  }

 private:
  rng rng_of(unsigned t) const { return rng(plan_.seed ^ mix(t + 1)); }

  template <model M>
  void sleep(unsigned t) {
    rng r = rng_of(t);
    for (unsigned s = 0; s < plan_.sleeps; ++s) {
      const std::chrono::microseconds asked(r.between(0, plan_.max_sleep_us));
      const bool in_blocking = r.one_in(plan_.blocking_one_in);
      const auto start = std::chrono::steady_clock::now();
      if (in_blocking) {
        const std::uint64_t want = mix((std::uint64_t{t} << 32) | s);
        const std::uint64_t got = M::blocking([&] {
          blocking_runs_.fetch_add(1, std::memory_order_relaxed);
          std::this_thread::sleep_for(asked);
          return want;
        });
        if (got != want) wrong_results_.fetch_add(1, std::memory_order_relaxed);
        blocking_done_.fetch_add(1, std::memory_order_relaxed);
      } else {
        M::sleep_for(asked);
        sleeps_done_.fetch_add(1, std::memory_order_relaxed);
      }
      if (std::chrono::steady_clock::now() - start < asked) {
        early_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  const sleep_plan plan_;
  const std::string name_;
  notes notes_;
  // Observed; read by check() after M::run and by progress() at any time.
  std::atomic<std::uint64_t> sleeps_done_{0};
  std::atomic<std::uint64_t> blocking_runs_{0};
  std::atomic<std::uint64_t> blocking_done_{0};
  std::atomic<std::uint64_t> wrong_results_{0};
  std::atomic<std::uint64_t> early_{0};
};

}  // namespace threadlab::soak
