// hybrid/observer.hpp — watching every state transition of every thread.
//
// The scheduler knows each transition a thread makes (new, ready, running, blocked,
// terminated). An observer installed through hybrid::options receives all of them, with the
// thread id, the worker that made the transition and a timestamp. With no observer installed
// (the default) each transition costs one well-predicted branch on a null pointer; built with
// THREADLAB_TRACE_HOOKS=0 the report is not compiled at all, and an installed observer receives
// nothing (scripts/trace_overhead.sh compares the two builds).
#pragma once

#include <cstdint>

#ifndef THREADLAB_TRACE_HOOKS
#define THREADLAB_TRACE_HOOKS 1
#endif

namespace hybrid {

// hooks_compiled — false when the build removed every observer hook (THREADLAB_TRACE_HOOKS=0):
// an installed observer then receives nothing.
inline constexpr bool hooks_compiled = THREADLAB_TRACE_HOOKS != 0;

// thread_state — where a thread is and who owns it.
enum class thread_state : std::uint8_t {
  // new: created by spawn, never run; sits in a run queue like a ready thread.
  created,
  // ready: runnable; in exactly one run queue (a worker's LIFO slot, local queue or FIFO
  // list, or the injection queue). No worker runs it; its stack is not in use.
  ready,
  // running: executing on exactly one worker, which owns its stack.
  running,
  // blocked: parked on a mutex, condition, channel, join or timer; it is in exactly one wait
  // list (or timer heap), and only the thread that takes it out may make it ready.
  blocked,
  // terminated: its function returned or threw; the stack waits for join to recycle it.
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
  readable,       // a socket to be readable (wait_detail: its descriptor)
  writable,       // a socket to be writable
  blocking_call,  // blocking(fn) to return: fn runs on a kernel thread of its own
};

// transition — one state change of one thread.
struct transition {
  std::uint64_t thread_id = 0;                 // the id printed as "#ID"
  unsigned worker_id = 0;                      // the worker that made the change
  thread_state state = thread_state::created;  // the state entered
  std::int64_t timestamp_ns = 0;               // steady_clock, nanoseconds since its epoch
  wait_kind waiting = wait_kind::unknown;      // blocked: what it waits for
  std::uint64_t wait_detail = 0;               // readable / writable: the descriptor
};

// observer — receives transitions. on_transition is called on the worker's kernel thread,
// from inside the scheduler, possibly from several workers at once: it must be thread-safe,
// fast, must not block and must not call back into hybrid.
class observer {
 public:
  virtual ~observer() = default;
  // on_transition(t) — thread t.thread_id entered t.state on worker t.worker_id.
  virtual void on_transition(const transition& t) noexcept = 0;
};

}  // namespace hybrid
