// bench/workloads/async_thread_group.hpp — support::thread_group for the coroutine forms: the
// threads one workload spawned on a stackless model, joined together with co_await.
//
// `co_await group.join_all()` joins every thread in spawn order, even when one of them rethrows,
// and then rethrows the first exception. A destructor cannot co_await, so a group destroyed with
// threads left (an exception left the workload early) detaches them, and the model's run waits
// for them (the stackless contract, bench/model.hpp): a workload whose threads may be blocked on
// a channel must close it on such a path, as with thread_group.
//
// Precondition: used by one thread of the model (the one that spawns), never shared.
#pragma once

#include <cstddef>
#include <exception>
#include <utility>
#include <vector>

#include "bench/model.hpp"
#include "support.hpp"

namespace threadlab::workloads::support {

template <stackless_model M>
class async_thread_group {
 public:
  using task = typename M::template task<void>;

  // async_thread_group(expected) — reserves room for `expected` handles, so that spawn does not
  // allocate in a timed loop.
  explicit async_thread_group(std::size_t expected = 0) { threads_.reserve(expected); }
  async_thread_group(const async_thread_group&) = delete;
  async_thread_group& operator=(const async_thread_group&) = delete;

  // spawn(fn) — M::spawn(fn), fn returning M::task<void>, remembered for join_all. A thread the
  // system refuses (a frame that cannot be allocated) throws resource_exhausted, as
  // thread_group::spawn does.
  template <class F>
  void spawn(F&& fn) {
    try {
      threads_.push_back(M::spawn(std::forward<F>(fn)));
    } catch (...) {
      rethrow_diagnosed("spawning thread", threads_.size() + 1);
    }
  }

  // size() — how many threads are waiting to be joined.
  std::size_t size() const { return threads_.size(); }

  // join_all() — `co_await` it: joins every thread in spawn order, then rethrows the first
  // exception any of them threw. Afterwards the group is empty and may spawn again.
  task join_all() { return join_all(no_join_hooks{}); }

  // join_all(hooks) — as join_all(), with thread_group's hooks (before_join(k), after_join(k)
  // around the k-th join). Precondition: neither hook throws.
  template <class Hooks>
  task join_all(Hooks hooks) {
    std::exception_ptr first;
    for (std::size_t k = 0; k < threads_.size(); ++k) {
      hooks.before_join(k);
      try {
        co_await threads_[k].join();
      } catch (...) {
        if (!first) first = std::current_exception();
      }
      hooks.after_join(k);
    }
    threads_.clear();
    if (first) std::rethrow_exception(first);
  }

 private:
  std::vector<typename M::thread> threads_;
};

}  // namespace threadlab::workloads::support
