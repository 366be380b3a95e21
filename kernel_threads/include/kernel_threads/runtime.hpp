// kernel_threads/runtime.hpp — entering the 1:1 model: a run, whose body and spawned threads are
// kernel threads created with the run's options.
//
// The 1:1 model has no runtime to start: the kernel is the scheduler and is always running.
// run() exists so that the three modules are entered the same way (green_threads::run,
// hybrid::run), and so that a program's threads get the options asked for (stack size,
// observer) rather than glibc's defaults: the body runs on a fresh kernel thread created with
// them, and spawn() creates every further thread of the run with them too.
//
// Guarantees: everything the caller did before run() happens-before body starts; everything
// body and every thread it spawned did happens-before run() returns, because run waits for
// body and then for every thread spawned in the run to finish its function (joined or not).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "observer.hpp"
#include "thread.hpp"

namespace kernel_threads {

// stats — what a run counted. The kernel schedules, so the only scheduler event this module
// sees is its own: creating a thread. (Context switches are the kernel's; the harness reads
// the process's from getrusage.)
struct stats {
  std::uint64_t threads_spawned = 0;  // kernel threads created by the run, the body's included
};

// options — how one run is set up: what every kernel thread of the run is created with.
struct options {
  // stack_size — bytes reserved per thread (thread_options::stack_size): 0 means glibc's
  // default, the soft RLIMIT_STACK (8 MiB on a stock system).
  std::size_t stack_size = 0;
  // name — the body thread's name (at most 15 bytes kept). Spawned threads keep the name of
  // the thread that created them, as the kernel copies it on clone: naming each one would add
  // a system call to every spawn.
  std::string name{};
  // observer — receives every transition of every thread of the run (observer.hpp); nullptr:
  // none. Not owned; must outlive run().
  kernel_threads::observer* observer = nullptr;
  // counts — where run() stores the run's stats when it returns normally (every spawned
  // thread has finished by then); nullptr: not asked. Not owned.
  kernel_threads::stats* counts = nullptr;
};

// describe(o) — "one kernel thread per thread; stack 8192 KiB (glibc default reserve = soft
// RLIMIT_STACK, 8 MiB stock), committed on touch; scheduled by the kernel (CFS)".
std::string describe(const options& o);

namespace detail {

// world — one run: its options, and the census of the threads spawned in it that have not yet
// finished their function. Owned by run(), which outlives every thread of the run because it
// waits on the census. Every member may be used from any thread of the run.
class world {
 public:
  explicit world(const options& o) : settings_(o) {}
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  const options& settings() const noexcept { return settings_; }
  // enter() — a thread is about to be spawned in the run (counted as spawned: one increment
  // under the lock the census takes anyway).
  void enter() {
    const std::lock_guard guard(mutex_);
    ++live_;
    ++spawned_;
  }
  // leave() — a spawned thread has finished its function. Notifies under the mutex: the waiter
  // may destroy the world as soon as it sees the count reach 0.
  void leave() {
    const std::lock_guard guard(mutex_);
    if (--live_ == 0) emptied_.notify_all();
  }
  // abandon() — the thread announced by enter() could not be created: leave(), uncounted.
  void abandon() {
    {
      const std::lock_guard guard(mutex_);
      --spawned_;
    }
    leave();
  }
  // spawned() — threads created in the run so far (the body's not included).
  std::uint64_t spawned() {
    const std::lock_guard guard(mutex_);
    return spawned_;
  }
  // wait_until_empty() — block the calling kernel thread until every entered thread has left.
  void wait_until_empty() {
    std::unique_lock lock(mutex_);
    emptied_.wait(lock, [this] { return live_ == 0; });
  }

 private:
  const options& settings_;
  std::mutex mutex_;
  std::condition_variable emptied_;  // notified under mutex_ when live_ reaches 0
  std::size_t live_ = 0;             // guarded by mutex_
  std::uint64_t spawned_ = 0;        // guarded by mutex_
};

// current_world() — the run of the calling thread, or nullptr outside run().
world* current_world() noexcept;

// world_binding — binds w to the calling kernel thread for the binding's lifetime (RAII).
class world_binding {
 public:
  explicit world_binding(world& w) noexcept;
  ~world_binding();
  world_binding(const world_binding&) = delete;
  world_binding& operator=(const world_binding&) = delete;

 private:
  world* previous_;
};

}  // namespace detail

// run(o, body) — runs body() on a new kernel thread created with o, waits for it and for every
// thread spawned in the run, stores the run's stats in *o.counts (when not null), and returns
// body's result; an exception escaping body is rethrown here. Throws creation_error if the
// thread cannot be created. May be called from any thread, and nested (an inner run has its
// own options, census and counts).
template <class F>
std::invoke_result_t<std::decay_t<F>&> run(const options& o, F&& body) {
  using result = std::invoke_result_t<std::decay_t<F>&>;
  detail::world w(o);
  struct wait_for_spawned {  // also when body throws: no thread of the run outlives run()
    detail::world& w;
    ~wait_for_spawned() { w.wait_until_empty(); }
  } waiter{w};
  const thread_options body_options{o.stack_size, o.name, o.observer};
  // count() — after a normal return of body: every spawned thread finished, the count final.
  auto count = [&] {
    if (o.counts == nullptr) return;
    w.wait_until_empty();
    *o.counts = stats{.threads_spawned = 1 + w.spawned()};
  };
  if constexpr (std::is_void_v<result>) {
    thread t(body_options, [&] {
      const detail::world_binding bound(w);
      body();
    });
    t.join();
    count();
  } else {
    std::optional<result> value;
    thread t(body_options, [&] {
      const detail::world_binding bound(w);
      value.emplace(body());
    });
    t.join();  // rethrows; value is set only when body returned
    count();
    return std::move(*value);
  }
}

// run(body) — run() with default options: glibc's default stack, the caller's thread name.
template <class F>
std::invoke_result_t<std::decay_t<F>&> run(F&& body) {
  return run(options{}, std::forward<F>(body));
}

// spawn(fn) — a new kernel thread of the calling thread's run, created with the run's stack
// size and observer, running fn() (or fn(stop_token) when fn takes one: thread::request_stop
// triggers it). Outside run(), a thread with default options. Throws creation_error (naming the
// limit hit) when the kernel refuses.
template <thread_function F>
thread spawn(F&& fn) {
  detail::world* w = detail::current_world();
  if (w == nullptr) return thread(thread_options{}, std::forward<F>(fn));
  const thread_options spawned{w->settings().stack_size, {}, w->settings().observer};
  w->enter();
  try {
    return thread(spawned,
                  [w, f = std::decay_t<F>(std::forward<F>(fn))](std::stop_token token) mutable {
                    const detail::world_binding bound(*w);
                    struct leave_at_end {
                      detail::world* w;
                      ~leave_at_end() { w->leave(); }
                    } leave{w};
                    if constexpr (std::is_invocable_v<std::decay_t<F>&, std::stop_token>) {
                      f(std::move(token));
                    } else {
                      static_cast<void>(token);
                      f();
                    }
                  });
  } catch (...) {
    w->abandon();
    throw;
  }
}

}  // namespace kernel_threads
