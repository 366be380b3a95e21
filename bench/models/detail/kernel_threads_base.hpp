// bench/models/detail/kernel_threads_base.hpp — what both adapters built on kernel_threads share.
//
// `kernel` (one kernel thread per thread) and `kernel_pool` (tasks on a fixed pool of kernel
// threads) block in the same futex-based primitives and reserve stacks the same way; they differ
// in what a thread of the model is, so spawn, join, yield and sleep_for (whose effect on a pool
// worker differs) stay in each adapter.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>

#include "bench/model.hpp"
#include "kernel_threads/channel.hpp"
#include "kernel_threads/sync.hpp"
#include "kernel_threads/thread.hpp"

namespace threadlab::models::detail {

// kernel_threads_base — the primitive types of the model contract (bench/model.hpp) for the
// kernel adapters. Not a model by itself.
struct kernel_threads_base {
  using mutex = kernel_threads::mutex;
  using condition_variable = kernel_threads::condition_variable;
  template <class T>
  using channel = kernel_threads::channel<T>;

  // blocking(fn) — fn() inline: a kernel thread that blocks in the kernel stalls only itself
  // (a pool task stalls its worker, which is the pool's nature).
  template <class Fn>
  static std::invoke_result_t<Fn&> blocking(Fn&& fn) {
    return std::invoke(fn);
  }
};

}  // namespace threadlab::models::detail
