// kernel_threads/observer.hpp — what user space can see of a kernel thread's states.
//
// Same shape as hybrid/observer.hpp and green_threads/observer.hpp, but with an honest gap:
// the kernel schedules, so user space never sees a thread become ready or get a CPU. What it
// does see, and reports to an observer given in thread_options::observer:
//   new         thread's constructor, on the creating thread, just before pthread_create;
//   running     the thread's first instruction, and each return from a blocking wait;
//   blocked     entering a wait in a kernel_threads primitive that will sleep: channel push on
//               a full channel, pop on an empty one, condition_variable::wait, and a
//               mutex::lock whose try_lock failed;
//   terminated  the thread's last instruction.
// For the time the kernel kept a runnable thread waiting for a CPU, a thread asks the kernel
// itself as it exits: /proc/thread-self/schedstat gives its time on a CPU, its time waiting
// in a run queue and its number of timeslices (on_accounting). Blocked time is then what is
// left of its lifetime: inferred, not observed.
//
// Cost: with no observer each hook is a null test on a thread_local pointer, on paths that are
// about to sleep in the kernel anyway; built with THREADLAB_TRACE_HOOKS=0 the hooks compile to
// nothing at all.
#pragma once

#include <chrono>
#include <cstdint>

#ifndef THREADLAB_TRACE_HOOKS
#define THREADLAB_TRACE_HOOKS 1
#endif

namespace kernel_threads {

// hooks_compiled — false when the build removed every observer hook (THREADLAB_TRACE_HOOKS=0).
inline constexpr bool hooks_compiled = THREADLAB_TRACE_HOOKS != 0;

// thread_state — the five states (docs/architecture.md). `ready` is never reported: only the kernel
// knows.
enum class thread_state : std::uint8_t { created, ready, running, blocked, terminated };

// wait_kind — what a blocked thread waits for, when known.
enum class wait_kind : std::uint8_t {
  unknown,
  mutex,
  condition,
  channel,
  join,
  sleep,
  readable,       // a socket to be readable (wait_detail: its descriptor)
  writable,       // a socket to be writable
  blocking_call,  // a call run off the thread (unused here: a kernel thread blocks itself)
};

// transition — one state change of one kernel thread, as user space saw it.
struct transition {
  std::uint64_t thread_id = 0;  // next_trace_id(): unique in the process, never reused
  unsigned worker_id = 0;       // always 0: the kernel, not this module, chooses the CPU
  thread_state state = thread_state::created;  // the state entered
  std::int64_t timestamp_ns = 0;               // steady_clock, nanoseconds since its epoch
  wait_kind waiting = wait_kind::unknown;      // blocked: what it waits for
  std::uint64_t wait_detail = 0;               // readable / writable: the descriptor
};

// kernel_accounting — the kernel's figures for one thread's whole life (schedstat).
struct kernel_accounting {
  std::uint64_t thread_id = 0;
  std::uint64_t run_ns = 0;      // on a CPU
  std::uint64_t wait_ns = 0;     // runnable, waiting in a run queue
  std::uint64_t timeslices = 0;  // times it was put on a CPU
};

// observer — receives a thread's transitions on that thread itself (`new` on its creator),
// possibly from many threads at once: it must be thread-safe, fast, must not block and must
// not call back into kernel_threads.
class observer {
 public:
  virtual ~observer() = default;
  // on_transition(t) — thread t.thread_id entered t.state.
  virtual void on_transition(const transition& t) noexcept = 0;
  // on_accounting(a) — the kernel's totals of thread a.thread_id, just before it terminates.
  virtual void on_accounting(const kernel_accounting& a) noexcept = 0;
};

// next_trace_id() — a fresh thread id for transitions: 1, 2, ... Any thread.
std::uint64_t next_trace_id() noexcept;

// steady_now_ns() — the timestamp observers receive: steady_clock, ns since its epoch.
inline std::int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// announce_new(sink) — on the creator of a thread about to start: a fresh trace id, reported
// `new` to sink; 0, after one branch, when sink is nullptr (or the hooks are compiled out).
inline std::uint64_t announce_new(observer* sink) noexcept {
  if constexpr (hooks_compiled) {
    if (sink != nullptr) {
      const std::uint64_t id = next_trace_id();
      sink->on_transition(transition{id, 0, thread_state::created, steady_now_ns()});
      return id;
    }
  }
  return 0;
}

// read_own_accounting(id) — the calling thread's schedstat as kernel_accounting for `id`;
// all zero when /proc/thread-self/schedstat cannot be read (no procfs, CONFIG_SCHEDSTATS off).
kernel_accounting read_own_accounting(std::uint64_t id) noexcept;

namespace detail {
// observed — the observer and id bound to the calling thread, or {nullptr, 0}. Written only
// by observed_thread on the same thread.
struct observed {
  observer* sink = nullptr;
  std::uint64_t id = 0;
};
inline thread_local observed current_observed{};

// report(state) — the calling thread entered state, if it is observed.
inline void report(kernel_threads::thread_state state, wait_kind waiting = wait_kind::unknown,
                   std::uint64_t wait_detail = 0) noexcept {
  if constexpr (hooks_compiled) {
    const observed& o = current_observed;
    if (o.sink != nullptr) [[unlikely]] {
      o.sink->on_transition(transition{o.id, 0, state, steady_now_ns(), waiting, wait_detail});
    }
  }
}
}  // namespace detail

// observed_thread — binds (sink, id) to the calling thread for its lifetime and reports
// running at construction and terminated at destruction. sink == nullptr: does nothing.
// Used by thread's first function, and by pools that run tasks as threads of their own. They
// nest: a task library whose join runs other tasks on the joining kernel thread (oneTBB) starts
// one inside another, and the inner one, when it ends, gives the calling thread back to the
// outer (whose later waits are then reported as its own, and whose end is reported).
class observed_thread {
 public:
  observed_thread(observer* sink, std::uint64_t id) noexcept {
    if constexpr (hooks_compiled) {
      if (sink == nullptr) return;
      outer_ = detail::current_observed;
      bound_ = true;
      detail::current_observed = detail::observed{sink, id};
      detail::report(thread_state::running);
    }
  }
  ~observed_thread() {
    if constexpr (hooks_compiled) {
      if (!bound_) return;
      detail::report(thread_state::terminated);
      detail::current_observed = outer_;
    }
  }
  observed_thread(const observed_thread&) = delete;
  observed_thread& operator=(const observed_thread&) = delete;

  // file_accounting() — hands the kernel's totals for the calling thread to the observer.
  // Call last, just before destruction, on the thread itself.
  void file_accounting() noexcept {
    if constexpr (hooks_compiled) {
      const detail::observed o = detail::current_observed;
      if (o.sink != nullptr) o.sink->on_accounting(read_own_accounting(o.id));
    }
  }

 private:
  detail::observed outer_{};  // the binding this one replaced: restored at destruction
  bool bound_ = false;        // sink was not nullptr
};

// blocked_scope — reports blocked at construction and running at destruction: wrap exactly
// the call that sleeps. Used by channel, mutex and condition_variable.
class blocked_scope {
 public:
  // blocked_scope(waiting, wait_detail) — what the call waits for, for the observer.
  explicit blocked_scope(wait_kind waiting = wait_kind::unknown,
                         std::uint64_t wait_detail = 0) noexcept {
    detail::report(thread_state::blocked, waiting, wait_detail);
  }
  ~blocked_scope() { detail::report(thread_state::running); }
  blocked_scope(const blocked_scope&) = delete;
  blocked_scope& operator=(const blocked_scope&) = delete;
};

}  // namespace kernel_threads
