// coroutines/observer.hpp — watching every state transition of every coroutine thread.
//
// A coroutine thread is what spawn starts: one chain of task frames, from the task spawn was
// given down to the innermost one awaiting something. The scheduler knows each transition a
// thread makes (created, ready, running, blocked, terminated); an observer installed through
// coroutines::options receives all of them, with the thread id, the worker that made the
// transition and a timestamp. With no observer (the default) a transition costs one
// well-predicted branch on a null pointer; built with THREADLAB_TRACE_HOOKS=0 the report is not
// compiled at all, and an installed observer receives nothing.
#pragma once

#include <cstdint>

#ifndef THREADLAB_TRACE_HOOKS
#define THREADLAB_TRACE_HOOKS 1
#endif

namespace coroutines {

// hooks_compiled — false when the build removed every observer hook (THREADLAB_TRACE_HOOKS=0).
inline constexpr bool hooks_compiled = THREADLAB_TRACE_HOOKS != 0;

// thread_state — where a coroutine thread is and who owns it (the five states every module
// reports: docs/architecture.md).
enum class thread_state : std::uint8_t {
  // created: spawned, never resumed; queued like a ready thread.
  created,
  // ready: runnable; in exactly one run queue. No worker runs it; its frames are suspended.
  ready,
  // running: being resumed by exactly one worker, on that worker's own stack.
  running,
  // blocked: suspended in a co_await of a mutex, condition, channel, join or timer; its node is
  // in exactly one wait list (or timer heap), and only whoever takes it out may make it ready.
  blocked,
  // terminated: its outermost task returned or threw; the result waits for the join handle.
  terminated,
};

// to_string(s) — "created", "ready", "running", "blocked" or "terminated".
const char* to_string(thread_state s) noexcept;

// wait_kind — what a blocked thread waits for.
enum class wait_kind : std::uint8_t {
  unknown,
  mutex,
  condition,
  channel,
  join,
  sleep,
  readable,  // a socket to be readable (net.hpp; wait_detail: its descriptor)
  writable,  // a socket to be writable (wait_detail: its descriptor)
};

// transition — one state change of one thread.
struct transition {
  std::uint64_t thread_id = 0;                 // unique within a run, the body is #1
  unsigned worker_id = 0;                      // the worker that made the change
  thread_state state = thread_state::created;  // the state entered
  std::int64_t timestamp_ns = 0;               // steady_clock, nanoseconds since its epoch
  wait_kind waiting = wait_kind::unknown;      // blocked: what it waits for
  std::uint64_t wait_detail = 0;               // readable / writable: the descriptor
};

// observer — receives transitions. on_transition is called on a worker's kernel thread, from
// inside the scheduler, possibly from several workers at once: it must be thread-safe, fast,
// must not block and must not call back into coroutines.
class observer {
 public:
  virtual ~observer() = default;
  // on_transition(t) — thread t.thread_id entered t.state on worker t.worker_id.
  virtual void on_transition(const transition& t) noexcept = 0;
};

}  // namespace coroutines
