// green_threads/observer.hpp — watching every state transition of every green thread.
//
// Same shape as hybrid/observer.hpp and kernel_threads/observer.hpp, so that one bridge per
// model (bench/models/) turns any of them into trace events. Boost.Fiber's scheduler does not
// report transitions itself; green_threads observes them through its scheduling algorithm
// (src/round_robin.hpp: observed_round_robin; src/work_stealing.hpp for M:N worlds), which sees
// every fiber become ready, start running and leave the CPU. An observer installed through
// options::observer receives them. With no observer (the default) an N:1 world installs Boost's
// round_robin itself and pays nothing; an algorithm that reports (observed_round_robin, the
// work_stealing peer's) costs one well-predicted branch per scheduling decision. Built with
// THREADLAB_TRACE_HOOKS=0 the hooks compile to nothing at all.
#pragma once

#include <cstdint>

#ifndef THREADLAB_TRACE_HOOKS
#define THREADLAB_TRACE_HOOKS 1
#endif

namespace green_threads {

// hooks_compiled — false when the build removed every observer hook (THREADLAB_TRACE_HOOKS=0):
// an installed observer then receives nothing.
inline constexpr bool hooks_compiled = THREADLAB_TRACE_HOOKS != 0;

// thread_state — where a green thread is and who owns it.
enum class thread_state : std::uint8_t {
  // created: spawned, seen by the scheduler for the first time (reported inside spawn).
  created,
  // ready: in its kernel thread's ready queue; no one runs it, its stack is not in use.
  ready,
  // running: the active context of its kernel thread, which owns its stack.
  running,
  // blocked: linked into one wait queue (mutex, condition, channel, join) or the sleep queue;
  // only the fiber that unlinks it may make it ready.
  blocked,
  // terminated: its function returned; its stack waits for the last handle to release it.
  terminated,
};

// to_string(s) — "created", "ready", "running", "blocked" or "terminated".
constexpr const char* to_string(thread_state s) noexcept {
  switch (s) {
    case thread_state::created:
      return "created";
    case thread_state::ready:
      return "ready";
    case thread_state::running:
      return "running";
    case thread_state::blocked:
      return "blocked";
    case thread_state::terminated:
      return "terminated";
  }
  return "?";
}

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
  blocking_call,  // blocking(fn) to return: fn runs on a kernel thread of its own
};

// transition — one state change of one green thread.
struct transition {
  std::uint64_t thread_id = 0;  // 1, 2, ... in order of first sighting; unique within a world
  unsigned worker_id = 0;       // the kernel thread (0 for an N:1 world; the index for M:N)
  thread_state state = thread_state::created;  // the state entered
  std::int64_t timestamp_ns = 0;               // steady_clock, nanoseconds since its epoch
  wait_kind waiting = wait_kind::unknown;      // blocked: what it waits for
  std::uint64_t wait_detail = 0;               // readable / writable: the descriptor
};

// observer — receives transitions. on_transition is called on the kernel thread that made the
// change, from inside the scheduler (several kernel threads at once in an M:N world): it must
// be thread-safe, fast, must not block and must not call back into green_threads.
class observer {
 public:
  virtual ~observer() = default;
  // on_transition(t) — thread t.thread_id entered t.state on kernel thread t.worker_id.
  virtual void on_transition(const transition& t) noexcept = 0;
};

}  // namespace green_threads
