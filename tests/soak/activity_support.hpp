// tests/soak/activity_support.hpp — what every soak activity shares: the list of differences a
// check finds, the errors threads report while running, a group of threads joined one by one
// with each one's exception kept, and the exception type the activities throw on purpose.
//
// An activity (channel_activity.hpp, tree_activity.hpp, ...) is a class with
//   - a constructor taking its plan and its name ("channel #0");
//   - template <model M> void run(): its root thread's work, run as a thread of M; it spawns,
//     waits and records what it observed, and never throws (an unexpected error becomes a note);
//   - void check(findings&) const: after M::run has returned, compares what was observed with
//     what the plan says must happen, appending one line per difference;
//   - std::string progress() const: its counters so far, readable while it runs (they are
//     atomics), for the report of a round that hangs.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

// findings — the differences a round's checks found, one line each; empty when all is exact.
using findings = std::vector<std::string>;

// expect_equal(out, who, what, expected, actual) — appends "who: what: expected E, got A"
// unless they are equal.
inline void expect_equal(findings& out, const std::string& who, const std::string& what,
                         std::uint64_t expected, std::uint64_t actual) {
  if (expected != actual) {
    out.push_back(who + ": " + what + ": expected " + std::to_string(expected) + ", got " +
                  std::to_string(actual));
  }
}

// soak_error — what the activities throw on purpose: a type of their own carrying an id, so a
// model that loses the exception, slices it or delivers another thread's is caught.
class soak_error : public std::runtime_error {
 public:
  explicit soak_error(std::uint64_t id)
      : std::runtime_error("soak_error " + std::to_string(id)), id_(id) {}
  std::uint64_t id() const noexcept { return id_; }

 private:
  std::uint64_t id_;
};

// describe(e) — what an exception_ptr holds, in words.
inline std::string describe(const std::exception_ptr& e) {
  if (!e) return "no exception";
  try {
    std::rethrow_exception(e);
  } catch (const soak_error& s) {
    return "soak_error " + std::to_string(s.id());
  } catch (const std::exception& x) {
    return std::string("exception: ") + x.what();
  } catch (std::uint64_t n) {
    return "integer " + std::to_string(n);
  } catch (...) {
    return "an exception of unknown type";
  }
}

// notes — errors that threads of an activity met while running (an exception nobody planned,
// a socket that timed out). Thread-safe: any thread of the model may add one; the lock is held
// for a push_back only, never across a switch.
class notes {
 public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(what));
  }
  // copy_to(out, who) — appends every note to out, prefixed with who. After M::run.
  void copy_to(findings& out, const std::string& who) const {
    std::lock_guard lock(mutex_);
    for (const std::string& n : items_) out.push_back(who + ": " + n);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> items_;  // written under mutex_
};

// thread_list<M> — threads of M joined one by one, each join's exception returned rather than
// thrown. Threads not joined by the time it is destroyed (an unexpected error cut the activity
// short) are joined then, their exceptions dropped: the contract joins every thread once.
// Precondition: used by one thread of the model, the one that spawns.
template <model M>
class thread_list {
 public:
  thread_list() = default;
  thread_list(const thread_list&) = delete;
  thread_list& operator=(const thread_list&) = delete;
  ~thread_list() {
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      if (!joined_[i]) static_cast<void>(join(i));
    }
  }

  // spawn(fn) — M::spawn(fn); returns the thread's index.
  template <class F>
  std::size_t spawn(F&& fn) {
    threads_.push_back(M::spawn(std::forward<F>(fn)));
    joined_.push_back(false);
    return threads_.size() - 1;
  }
  // join(i) — joins thread i; returns the exception it threw, or nullptr.
  std::exception_ptr join(std::size_t i) {
    joined_[i] = true;
    try {
      threads_[i].join();
    } catch (...) {
      return std::current_exception();
    }
    return nullptr;
  }
  // request_stop(i) — thread i's request_stop().
  bool request_stop(std::size_t i) { return threads_[i].request_stop(); }
  std::size_t size() const { return threads_.size(); }

 private:
  std::vector<typename M::thread> threads_;
  std::vector<bool> joined_;
};

// join_all_noting(list, out, what) — joins every thread of list in order; an exception from
// any of them is a note ("<what> <i>: <exception>"): these threads were not meant to throw.
template <model M>
void join_all_noting(thread_list<M>& list, notes& out, const std::string& what) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (std::exception_ptr e = list.join(i)) {
      out.add(what + " " + std::to_string(i) + " threw " + describe(e));
    }
  }
}

// guarded(out, fn) — runs fn, turning any exception into a note: a thread's whole body, so that
// an error is reported where it happened rather than as a bare exception at join.
template <class F>
void guarded(notes& out, const std::string& who, F&& fn) {
  try {
    fn();
  } catch (...) {
    out.add(who + ": " + describe(std::current_exception()));
  }
}

// pause<M>(r, yield_one_in, sleep_one_in, sleep_us) — between two steps of a thread: a yield
// with odds 1 in yield_one_in, else a sleep of sleep_us with odds 1 in sleep_one_in, else
// nothing. This is what varies the interleavings from round to round.
template <model M>
void pause(rng& r, unsigned yield_one_in, unsigned sleep_one_in = 0, unsigned sleep_us = 0) {
  if (r.one_in(yield_one_in)) {
    M::yield();
  } else if (r.one_in(sleep_one_in)) {
    M::sleep_for(std::chrono::microseconds(sleep_us));
  }
}

}  // namespace threadlab::soak
