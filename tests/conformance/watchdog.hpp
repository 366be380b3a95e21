// tests/conformance/watchdog.hpp — the last line of defence against a model that hangs.
//
// A conformance test waits on the model under test (join, pop, condition wait). On a correct
// model every wait ends in milliseconds; on a broken one it may never end, and a suite that hangs
// says nothing. A `watchdog` is an ordinary kernel thread, outside every model, that ends the
// process with a message naming the model, the worker count and the behaviour under test when
// the test has not finished within its limit. It never fires on a correct model: its limit is far
// above anything a test needs, so it asserts no timing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace threadlab::conformance {

// watchdog — aborts the process with `what` on stderr unless destroyed within `limit`.
// Construct it on the test's own kernel thread (never inside a model's world); its destructor
// disarms it and joins its kernel thread.
class watchdog {
 public:
  // watchdog(what, limit) — arms the watchdog. `what` names what hangs if it fires.
  explicit watchdog(std::string what, std::chrono::seconds limit = std::chrono::seconds(20))
      : what_(std::move(what)), limit_(limit), thread_([this] { guard(); }) {}

  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;

  // ~watchdog — disarms the watchdog; the guarded test finished in time.
  ~watchdog() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    finished_changed_.notify_one();
    thread_.join();
  }

 private:
  // guard — runs on the watchdog's own kernel thread: waits for the test to finish or the limit.
  void guard() {
    std::unique_lock lock(mutex_);
    if (!finished_changed_.wait_for(lock, limit_, [this] { return finished_; })) {
      std::fprintf(stderr,
                   "conformance watchdog: %s: still running after %lld s; the model hangs "
                   "(a lost wake-up, a lost item or a deadlock). Aborting.\n",
                   what_.c_str(), static_cast<long long>(limit_.count()));
      std::fflush(stderr);
      std::abort();
    }
  }

  const std::string what_;
  const std::chrono::seconds limit_;
  std::mutex mutex_;
  std::condition_variable finished_changed_;
  bool finished_ = false;  // written under mutex_
  std::thread thread_;     // declared last: starts once the members it reads exist
};

}  // namespace threadlab::conformance
