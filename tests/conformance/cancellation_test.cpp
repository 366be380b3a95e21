// tests/conformance/cancellation_test.cpp — ending threads cooperatively, on every model: a
// thread whose function takes a std::stop_token is blocked in each primitive, the body requests
// a stop, and the thread must return (a lost stop request hangs: the watchdog names it).
//
// Stoppable waits (condition_variable::wait with a token, channel push and pop with a token)
// return when the stop arrives. mutex::lock and join are not cancellation points (bench/model.hpp
// says why): the test for each shows the cooperative path instead, a thread that sees its stop
// as soon as it gets past the wait.
//
// The body requests the stop after the thread has said it is about to wait and a short sleep, so
// that on most runs the stop finds the thread asleep in the primitive; on a slow machine it may
// arrive just before, which takes the "already stopped" path. Both must end the thread the same
// way, so the checks do not depend on which one ran.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stop_token>

#include "models_under_test.hpp"
#include "support.hpp"

namespace threadlab::conformance {
namespace {

// settle<M>() — gives a thread that announced it is about to wait time to get there.
template <class M>
void settle() {
  M::sleep_for(2ms);
}

TEST_CASE_TEMPLATE_DEFINE("cancellation: a stop ends a condition variable wait", M, cancel_cv) {
  for_each_worker_count<M>("a stop ends a cv wait", [](const run_options& options) {
    bool returned_false = false;
    bool saw_stop = false;
    bool request_made = false;
    M::run(options, [&] {
      typename M::mutex mutex;
      typename M::condition_variable never_notified;
      std::atomic<bool> waiting{false};
      auto waiter = M::spawn([&](std::stop_token token) {
        std::unique_lock lock(mutex);
        waiting.store(true);
        returned_false = !never_notified.wait(lock, token, [] { return false; });
        saw_stop = token.stop_requested();
      });
      must_eventually<M>([&] { return waiting.load(); }, "the waiter did not start");
      settle<M>();
      request_made = waiter.request_stop();
      waiter.join();
    });
    CHECK(request_made);
    CHECK(returned_false);
    CHECK(saw_stop);
  });
}
TEST_CASE_TEMPLATE_APPLY(cancel_cv, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("cancellation: a stop ends a pop on an empty channel, which stays open",
                          M, cancel_pop) {
  for_each_worker_count<M>("a stop ends a pop", [](const run_options& options) {
    bool popped_nothing = false;
    std::optional<int> after;
    M::run(options, [&] {
      typename M::template channel<int> ch(1);
      std::atomic<bool> waiting{false};
      auto receiver = M::spawn([&](std::stop_token token) {
        waiting.store(true);
        popped_nothing = !ch.pop(token).has_value();
      });
      must_eventually<M>([&] { return waiting.load(); }, "the receiver did not start");
      settle<M>();
      receiver.request_stop();
      receiver.join();
      // A stop ends one caller's wait; the channel itself is not closed.
      if (ch.push(7)) after = ch.pop();
    });
    CHECK(popped_nothing);
    CHECK(after == 7);
  });
}
TEST_CASE_TEMPLATE_APPLY(cancel_pop, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("cancellation: a stop ends a push on a full channel, dropping its item",
                          M, cancel_push) {
  for_each_worker_count<M>("a stop ends a push", [](const run_options& options) {
    bool push_refused = false;
    std::optional<int> first;
    bool empty_after = false;
    M::run(options, [&] {
      typename M::template channel<int> ch(1);
      ch.push(1);  // full
      std::atomic<bool> waiting{false};
      auto sender = M::spawn([&](std::stop_token token) {
        waiting.store(true);
        push_refused = !ch.push(2, token);
      });
      must_eventually<M>([&] { return waiting.load(); }, "the sender did not start");
      settle<M>();
      sender.request_stop();
      sender.join();
      first = ch.pop();
      ch.close();
      empty_after = !ch.pop().has_value();  // the refused item was never taken in
    });
    CHECK(push_refused);
    CHECK(first == 1);
    CHECK(empty_after);
  });
}
TEST_CASE_TEMPLATE_APPLY(cancel_push, models_under_test);

TEST_CASE_TEMPLATE_DEFINE(
    "cancellation: a thread blocked on a mutex sees its stop once it gets the lock", M,
    cancel_mutex) {
  for_each_worker_count<M>(
      "a stop reaches a thread blocked on a mutex", [](const run_options& options) {
        bool got_lock_then_saw_stop = false;
        M::run(options, [&] {
          typename M::mutex mutex;
          std::atomic<bool> waiting{false};
          std::unique_lock held(mutex);
          auto locker = M::spawn([&](std::stop_token token) {
            waiting.store(true);
            std::lock_guard lock(mutex);  // not a cancellation point
            got_lock_then_saw_stop = token.stop_requested();
          });
          must_eventually<M>([&] { return waiting.load(); }, "the locker did not start");
          settle<M>();
          locker.request_stop();
          held.unlock();
          locker.join();
        });
        CHECK(got_lock_then_saw_stop);
      });
}
TEST_CASE_TEMPLATE_APPLY(cancel_mutex, models_under_test);

TEST_CASE_TEMPLATE_DEFINE("cancellation: a join ends when the joined thread is stopped", M,
                          cancel_join) {
  if constexpr (!has(M::capabilities, capability::waits_on_threads)) {
    skip_for_lack_of<M>("waits_on_threads",
                        "a task joining a task queued behind it would hold the only worker");
    return;
  } else {
    for_each_worker_count<M>(
        "a join ends when its target is stopped", [](const run_options& options) {
          bool joined = false;
          M::run(options, [&] {
            typename M::template channel<int> never_fed(1);
            // A source of the test's own: the joiner owns target's handle
            // (a handle is used by one thread at a time).
            std::stop_source stop;
            auto target = M::spawn([&] { static_cast<void>(never_fed.pop(stop.get_token())); });
            auto joiner = M::spawn([&, t = std::move(target)]() mutable {
              t.join();  // not a cancellation point: waits for target
              joined = true;
            });
            settle<M>();
            stop.request_stop();
            joiner.join();
          });
          CHECK(joined);
        });
  }
}
TEST_CASE_TEMPLATE_APPLY(cancel_join, models_under_test);

}  // namespace
}  // namespace threadlab::conformance
