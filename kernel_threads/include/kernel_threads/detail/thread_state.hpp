// kernel_threads/detail/thread_state.hpp — what a kernel thread shares with its handle.
//
// Private to kernel_threads::thread; it lives in a header only because the handle's constructor
// is a template that must package the user's callable. Nothing here is part of the public API.
//
// Ownership: the handle (kernel_threads::thread) owns the state through a std::unique_ptr. The
// kernel thread reads it through a raw pointer (the argument of pthread_create) from its first
// instruction to its last. The handle frees the state only after pthread_join has returned, so
// that pointer never dangles, and moving the handle moves the unique_ptr, not the state.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <stop_token>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../observer.hpp"

namespace kernel_threads::detail {

// thread_state — the type-erased part: a name and an exception slot. One allocation per thread.
struct thread_state {
  thread_state() = default;
  thread_state(const thread_state&) = delete;
  thread_state& operator=(const thread_state&) = delete;
  virtual ~thread_state() = default;

  // invoke() — runs the user's callable. Called exactly once, on the new kernel thread.
  virtual void invoke() = 0;

  // name — at most 15 bytes (the kernel's TASK_COMM_LEN - 1); empty means "keep the creator's
  // name". Written by the creating thread before pthread_create, read by the new thread after
  // it: pthread_create synchronizes the two.
  std::string name;

  // error — the exception that escaped the callable, if any. Written by the kernel thread
  // before it ends; read by join() after pthread_join, which synchronizes with the thread's
  // termination, so no lock is needed.
  std::exception_ptr error;

  // observer, trace_id — the thread's observer (nullptr: none) and its id for it. Written by
  // the creating thread before pthread_create, read by the new thread after it.
  kernel_threads::observer* observer = nullptr;
  std::uint64_t trace_id = 0;
};

// thread_state_for<F, Args...> — the state for one callable type. F and Args are already
// decayed: the callable and its arguments are copied or moved into the state by the creating
// thread (as std::thread does), never referenced from the creator's stack.
template <class F, class... Args>
struct thread_state_for final : thread_state {
  template <class G, class... As>
  explicit thread_state_for(std::stop_token token, G&& g, As&&... as)
      : stop_token(std::move(token)), fn(std::forward<G>(g)), args(std::forward<As>(as)...) {}

  void invoke() override {
    // As std::jthread: a callable that accepts a std::stop_token first receives the handle's.
    if constexpr (std::is_invocable_v<F, std::stop_token, Args...>) {
      std::apply([this](Args&... a) { std::invoke(std::move(fn), stop_token, std::move(a)...); },
                 args);
    } else {
      static_assert(std::is_invocable_v<F, Args...>,
                    "kernel_threads::thread: the callable cannot be invoked with these arguments "
                    "(with or without a leading std::stop_token)");
      std::apply([this](Args&... a) { std::invoke(std::move(fn), std::move(a)...); }, args);
    }
  }

  std::stop_token stop_token;
  F fn;
  std::tuple<Args...> args;
};

}  // namespace kernel_threads::detail
