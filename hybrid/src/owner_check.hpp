// hybrid/src/owner_check.hpp — a debug-only check that owner-only code runs on its owner.
//
// Much of a worker is touched only by its own kernel thread, without locks: its run queue's
// owner side, its LIFO slot and FIFO list, its timer heap, its stack cache. "Owner only" is a
// precondition the comments state; owner_check makes it an assertion, as marl's
// ASSERT_FIBER_STATE and Go's lock-rank checks do for theirs. In builds with NDEBUG (release)
// it holds nothing and checks nothing; the sanitizer and debug presets keep the checks.
#pragma once

#include <cassert>
#include <thread>

namespace hybrid::detail {

class owner_check {
 public:
  // bind() — the calling kernel thread is the owner from now on.
  void bind() noexcept {
#ifndef NDEBUG
    owner_ = std::this_thread::get_id();
#endif
  }
  // held() — true when the caller is the owner (always true with NDEBUG). For assert().
  bool held() const noexcept {
#ifndef NDEBUG
    return owner_ == std::this_thread::get_id();
#else
    return true;
#endif
  }

 private:
#ifndef NDEBUG
  std::thread::id owner_{};
#endif
};

}  // namespace hybrid::detail
