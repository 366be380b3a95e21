// tests/soak/exception_activity.hpp — exceptions thrown in threads and seen at join: each join
// rethrows exactly what its thread threw (same type, same id), or nothing.
//
// How (exception_plan): thread i yields a few times, then ends as kinds[i] says: returns;
// throws soak_error(i + 1); throws the bare integer i + 1; or spawns a child that throws
// soak_error(1000 + i), joins it and lets that exception leave its own function, so the root
// must see the grandchild's exception through two joins. The root joins every thread in order.
//
// Checked, after M::run: every join gave what its thread's kind says, and the number of
// exceptions seen equals the number thrown.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "activity_support.hpp"
#include "bench/model.hpp"
#include "plan.hpp"

namespace threadlab::soak {

class exception_activity {
 public:
  exception_activity(const exception_plan& p, std::string name)
      : plan_(p), name_(std::move(name)) {}

  // run<M>() — the activity's root thread. Never throws.
  template <model M>
  void run() {
    guarded(notes_, "root", [&] { run_root<M>(); });
  }

  void check(findings& out) const {
    notes_.copy_to(out, name_);
    std::uint64_t throwing = 0;
    for (exception_kind k : plan_.kinds) throwing += k != exception_kind::returns;
    expect_equal(out, name_, "joins", plan_.kinds.size(), joins_.load());
    expect_equal(out, name_, "exceptions seen at join", throwing, seen_.load());
    expect_equal(out, name_, "joins that gave what their thread threw", plan_.kinds.size(),
                 right_.load());
  }

  std::string progress() const {
    return name_ + ": " + std::to_string(joins_.load()) + " of " +
           std::to_string(plan_.kinds.size()) + " joined";
  }

 private:
  template <model M>
  void run_root() {
    thread_list<M> threads;
    for (std::size_t i = 0; i < plan_.kinds.size(); ++i) {
      threads.spawn([this, i] { end<M>(i); });
    }
    for (std::size_t i = 0; i < plan_.kinds.size(); ++i) {
      const std::exception_ptr e = threads.join(i);
      joins_.fetch_add(1, std::memory_order_relaxed);
      if (e) seen_.fetch_add(1, std::memory_order_relaxed);
      const std::string want = expected(i);
      const std::string got = describe(e);
      if (got == want) {
        right_.fetch_add(1, std::memory_order_relaxed);
      } else {
        notes_.add("thread " + std::to_string(i) + ": join gave " + got + ", expected " + want);
      }
    }
  }

  // expected(i) — what the join of thread i must give, in describe()'s words.
  std::string expected(std::size_t i) const {
    const std::uint64_t id = i + 1;
    switch (plan_.kinds[i]) {
      case exception_kind::returns:
        return describe(nullptr);
      case exception_kind::throws_error:
        return describe(std::make_exception_ptr(soak_error(id)));
      case exception_kind::throws_integer:
        return describe(std::make_exception_ptr(id));
      case exception_kind::rethrows_child:
        return describe(std::make_exception_ptr(soak_error(1000 + i)));
    }
    return "?";
  }

  // end<M>(i) — thread i's function: a few yields, then the end its kind says.
  template <model M>
  void end(std::size_t i) {
    for (unsigned y = 0; y < plan_.yields; ++y) M::yield();
    const std::uint64_t id = i + 1;
    switch (plan_.kinds[i]) {
      case exception_kind::returns:
        return;
      case exception_kind::throws_error:
        throw soak_error(id);
      case exception_kind::throws_integer:
        throw id;
      case exception_kind::rethrows_child: {
        typename M::thread child = M::spawn([i] { throw soak_error(1000 + i); });
        child.join();  // rethrows the child's exception, which leaves this thread too
        return;
      }
    }
  }

  const exception_plan plan_;
  const std::string name_;
  notes notes_;
  // Observed by the root; read by check() after M::run and by progress() at any time.
  std::atomic<std::uint64_t> joins_{0};
  std::atomic<std::uint64_t> seen_{0};
  std::atomic<std::uint64_t> right_{0};
};

}  // namespace threadlab::soak
