// kernel_threads/runtime.hpp — entering the 1:1 model: run a body on a fresh kernel thread.
//
// The 1:1 model has no runtime to start: the kernel is the scheduler and is always running.
// run() exists for symmetry with green_threads::run and hybrid::run, and so that the body runs
// on a thread with the options asked for (stack size, name) rather than on the caller's.
//
// Guarantees: everything the caller did before run() happens-before body starts; everything
// body did happens-before run() returns. Threads that body created are not waited for: the
// 1:1 model keeps no registry of them (join them, or let kernel_threads::thread's destructor).
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "thread.hpp"

namespace kernel_threads {

// run(options, body) — runs body() on a new kernel thread created with `options`, waits for it
// and returns its result; an exception escaping body is rethrown here. Throws creation_error if
// the thread cannot be created. May be called from any thread, and nested.
template <class F>
std::invoke_result_t<std::decay_t<F>&> run(const thread_options& options, F&& body) {
  using result = std::invoke_result_t<std::decay_t<F>&>;
  if constexpr (std::is_void_v<result>) {
    thread t(options, [&body] { body(); });
    t.join();
  } else {
    std::optional<result> value;
    thread t(options, [&body, &value] { value.emplace(body()); });
    t.join();  // rethrows; value is set only when body returned
    return std::move(*value);
  }
}

// run(body) — run() with default options: glibc's default stack, the caller's thread name.
template <class F>
std::invoke_result_t<std::decay_t<F>&> run(F&& body) {
  return run(thread_options{}, std::forward<F>(body));
}

}  // namespace kernel_threads
