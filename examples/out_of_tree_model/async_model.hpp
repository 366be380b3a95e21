// examples/out_of_tree_model/async_model.hpp — `async`: a threading model written outside the
// threadlab repository, built against the installed package, that satisfies the whole model
// contract (bench/model.hpp) and passes the conformance suite.
//
// Every thread of the model is a std::async(std::launch::async) task: spawn is std::async, join
// is future::get (which rethrows what escaped the thread, with its type), request_stop is a
// std::stop_source of our own. libstdc++ starts one std::thread per such task, so `async` is a
// 1:1 model like `kernel`; what the comparison shows is the price of the standard library's
// road to a kernel thread (a shared state on the heap, a std::thread, a future) beside
// pthread_create, and of its primitives (std::mutex, std::condition_variable_any, the channel
// of channel.hpp) beside kernel_threads' futexes. The sockets are threadlab's own
// (kernel_threads::net): blocking calls, which is all a 1:1 model needs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "bench/model.hpp"
#include "bench/scheduler_counters.hpp"
#include "channel.hpp"
#include "kernel_threads/net.hpp"

namespace example {

// async_model — one std::async task per thread of the model (1:1).
struct async_model {
  static constexpr std::string_view name = "async";
  static constexpr std::string_view description =
      "1:1 - one std::async(launch::async) task per thread (a std::thread each in libstdc++)";
  // As `kernel`: preempted kernel threads, each a kernel task with its own stack, so not
  // many_threads.
  static constexpr threadlab::capability capabilities =
      threadlab::capability::multicore | threadlab::capability::waits_on_threads |
      threadlab::capability::nested_joins | threadlab::capability::blocking_syscalls |
      threadlab::capability::net;
  // thread_limit — the same as `kernel`'s, for the same reason: 10,000 kernel threads stay well
  // under a stock system's limits.
  static constexpr std::uint64_t thread_limit = 10'000;

  // configuration(opts) — std::async takes no thread attributes: every thread gets glibc's
  // default stack, whatever opts.stack_size asks.
  static std::string configuration(const threadlab::run_options& opts) {
    std::string text =
        "one std::async(launch::async) task per thread; stack: glibc's default reserve (the soft "
        "RLIMIT_STACK, 8 MiB stock)";
    if (opts.stack_size != 0) text += ", --stack-size ignored (std::async takes no stack size)";
    return text + "; std::mutex, std::condition_variable_any; workers ignored";
  }

  // thread — a handle on one task. join() waits for it and rethrows what escaped it;
  // request_stop() asks a stoppable task to end. A handle destroyed without join still waits
  // for its task (a std::async future's rule), though the contract always joins.
  class thread {
   public:
    thread(thread&&) noexcept = default;
    thread& operator=(thread&&) noexcept = default;

    void join() { done_.get(); }
    bool request_stop() { return stop_.request_stop(); }

   private:
    friend struct async_model;
    thread(std::future<void> done, std::stop_source stop)
        : done_(std::move(done)), stop_(std::move(stop)) {}

    std::future<void> done_;
    std::stop_source stop_;
  };

  // spawn(fn) — a new task running fn(), or fn(token) when fn takes a std::stop_token. Throws
  // std::system_error when no thread can be started (the memory workload's limit).
  template <class F>
  static thread spawn(F&& fn) {
    std::stop_source stop;
    spawned_.fetch_add(1, std::memory_order_relaxed);
    live_.fetch_add(1, std::memory_order_relaxed);
    auto task = [fn = std::forward<F>(fn), token = stop.get_token()]() mutable {
      const leaving_census leaving;
      if constexpr (std::is_invocable_v<std::decay_t<F>&, std::stop_token>) {
        fn(token);
      } else {
        fn();
      }
    };
    try {
      return thread(std::async(std::launch::async, std::move(task)), std::move(stop));
    } catch (...) {
      left();  // the task never started, so it will never leave
      throw;
    }
  }

  // run(opts, body) — body as a thread of the model; waits for it and for every thread it
  // spawned, then rethrows what escaped body. With opts.counters: threads_spawned (body's
  // thread included).
  template <class F>
  static void run(const threadlab::run_options& opts, F&& body) {
    const std::uint64_t spawned_before = spawned_.load(std::memory_order_relaxed);
    std::exception_ptr failure;
    try {
      spawn([&body] { std::invoke(body); }).join();
    } catch (...) {
      failure = std::current_exception();
    }
    // Acquire: pairs with the release in left(), so every thread's effects happen-before run
    // returns.
    for (std::uint64_t n = live_.load(std::memory_order_acquire); n != 0;
         n = live_.load(std::memory_order_acquire)) {
      live_.wait(n, std::memory_order_acquire);
    }
    if (opts.counters != nullptr) {
      opts.counters->add("threads_spawned",
                         spawned_.load(std::memory_order_relaxed) - spawned_before);
    }
    if (failure) std::rethrow_exception(failure);
  }

  // yield() — std::this_thread::yield: sched_yield(2) in glibc.
  static void yield() { std::this_thread::yield(); }
  // sleep_for(d) — std::this_thread::sleep_for: nanosleep(2) for at least d.
  static void sleep_for(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }
  // blocking(fn) — fn() inline: a kernel thread that blocks stalls only itself.
  template <class Fn>
  static std::invoke_result_t<Fn&> blocking(Fn&& fn) {
    return std::invoke(fn);
  }

  // The primitives: the standard library's. condition_variable_any has the stoppable wait the
  // contract asks for (wait(lock, token, pred)).
  using mutex = std::mutex;
  using condition_variable = std::condition_variable_any;
  template <class T>
  using channel = example::channel<T>;

  // listener, stream, connect — threadlab's blocking sockets (kernel_threads::net): a thread
  // waiting on one sleeps in the kernel, as every thread of a 1:1 model may.
  using listener = kernel_threads::net::listener;
  using stream = kernel_threads::net::stream;
  static stream connect(std::string_view address, std::uint16_t port,
                        threadlab::net_deadline d = threadlab::net_forever) {
    return kernel_threads::net::connect(address, port, d);
  }

 private:
  // left() — one thread of the run has finished. Release: publishes the thread's effects to
  // run's acquire loads of live_.
  static void left() {
    if (live_.fetch_sub(1, std::memory_order_release) == 1) live_.notify_all();
  }
  // leaving_census — calls left() when a task ends, by return or by exception.
  struct leaving_census {
    ~leaving_census() { left(); }
  };

  // live_ — threads spawned and not yet finished (run waits for 0); spawned_ — every thread
  // ever spawned, for threads_spawned. Calls to run do not nest, so one count serves each run.
  inline static std::atomic<std::uint64_t> live_{0};
  inline static std::atomic<std::uint64_t> spawned_{0};
};

static_assert(threadlab::net_model<async_model>);

}  // namespace example
