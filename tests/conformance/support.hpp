// tests/conformance/support.hpp — what every conformance test shares.
//
// Each test is written once as a template over a model M (bench/model.hpp) and runs at 1, 2 and
// 4 workers (`for_each_worker_count`); models without workers ignore the count. The test body
// enters the model with M::run, records what the threads of the model observed in plain
// variables, and checks them with doctest *after* M::run returns, on the test's own kernel
// thread: doctest's assertions then never run inside a model's world.
//
// Rules every test follows, so that a broken model fails instead of hanging:
//   - every primitive (mutex, condition_variable, channel) is created inside M::run;
//   - every spin or poll is bounded (`eventually`); a wait that cannot be bounded is covered by
//     the `watchdog` that `for_each_worker_count` arms;
//   - a test that needs a capability M lacks is skipped with a MESSAGE saying why
//     (`skip_for_lack_of`), never run into a deadlock; so is every test of a model this
//     machine cannot run (io_uring refused by the kernel).
//
// Models without waits_on_threads (a fixed pool of kernel threads) run M::run's body outside the
// pool, so the body may always wait on a spawned thread. A spawned thread may wait on the body,
// but at most `resolved workers` spawned threads may wait at once (`max_waiting_threads`): each
// of them holds a pool thread while it waits, and one more would sit in the pool's queue behind
// them, never running.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/model.hpp"
#include "watchdog.hpp"

namespace threadlab::conformance {

using namespace std::chrono_literals;

// worker_counts — each test runs once per count (run_options::workers).
inline constexpr std::array<unsigned, 3> worker_counts{1, 2, 4};

// patience — how long `eventually` polls before giving up. Far above what a correct model needs
// (milliseconds), below the watchdog's limit so that a bounded wait reports first.
inline constexpr std::chrono::milliseconds patience = 5s;

// conformance_error — the exception type the tests throw: a type of our own, so a model that
// rethrows a copy sliced to std::exception (or a different exception) is caught.
class conformance_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// options_for(workers) — run_options with the given worker count and default stack size.
inline run_options options_for(unsigned workers) {
  run_options options;
  options.workers = workers;
  return options;
}

// for_each_worker_count<M>(behaviour, test) — calls test(options) once per worker count, under
// a watchdog naming M, the count and `behaviour`; a failure reports the count it ran at.
// Call from the test's own kernel thread (never inside M::run).
// A model this machine cannot run (unavailable_here, bench/model.hpp) is skipped with a MESSAGE
// saying why.
template <class M, class Test>
void for_each_worker_count(std::string_view behaviour, Test&& test) {
  if (const std::string why = unavailable_here<M>(); !why.empty()) {
    MESSAGE("skipped on " << std::string(M::name) << ": " << why);
    return;
  }
  for (unsigned workers : worker_counts) {
    INFO("model = " << std::string(M::name) << ", workers = " << workers);
    watchdog guard(std::string(M::name) + " at " + std::to_string(workers) +
                   " workers: " + std::string(behaviour));
    test(options_for(workers));
  }
}

// eventually<M>(condition) — polls condition() from a thread of M until it is true or `patience`
// has passed, letting the other threads of M run between polls (M::yield at first, then short
// M::sleep_for). Returns condition()'s last value. condition must be safe to call concurrently
// with the threads it observes (atomics, or a model mutex taken inside it).
template <class M, class Condition>
bool eventually(Condition&& condition) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (unsigned polls = 0;; ++polls) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    if (polls < 1000) {
      M::yield();
    } else {
      M::sleep_for(100us);
    }
  }
}

// must_eventually<M>(condition, what) — like eventually, for a wait the test cannot recover from
// (threads that would stay blocked forever): when condition stays false, ends the process with
// `what` rather than leaving the suite to hang in a join.
template <class M, class Condition>
void must_eventually(Condition&& condition, std::string_view what) {
  if (!eventually<M>(static_cast<Condition&&>(condition))) {
    std::fprintf(stderr, "conformance: %s: %.*s within %lld ms. Aborting.\n",
                 std::string(M::name).c_str(), static_cast<int>(what.size()), what.data(),
                 static_cast<long long>(patience.count()));
    std::fflush(stderr);
    std::abort();
  }
}

// max_waiting_threads<M>(options, wanted) — how many spawned threads a test may keep blocked on
// another thread at once: `wanted` on a model with waits_on_threads, otherwise no more than the
// model's workers (see the file comment). options.workers must not be 0.
template <class M>
unsigned max_waiting_threads(const run_options& options, unsigned wanted) {
  if constexpr (has(M::capabilities, capability::waits_on_threads)) {
    return wanted;
  } else {
    return std::min(wanted, options.workers);
  }
}

// skip_for_lack_of<M>(capability_name, why) — reports, as a doctest MESSAGE, that this test does
// not apply to M because M lacks `capability_name`, and why running it would be wrong.
template <class M>
void skip_for_lack_of(std::string_view capability_name, std::string_view why) {
  const std::string text = "skipped on " + std::string(M::name) + ": it lacks " +
                           std::string(capability_name) + "; " + std::string(why);
  MESSAGE(text);
}

}  // namespace threadlab::conformance
