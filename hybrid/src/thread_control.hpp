// hybrid/src/thread_control.hpp — the thread control block (Go's g, Tokio's task header).
//
// One lives at the very top of every pooled stack and is built once, when the stack is first
// mapped; spawning resets its fields. So creating a thread is one pool pop: no malloc (unless
// the function takes a std::stop_token, which needs std::stop_source's shared state).
//
// Stack layout, low addresses first:
//
//   base                                                                   base + size
//   | guard page (PROT_NONE) | ........ frames grow down ....... | fn object | control block |
//
// Who may touch which field is stated per field. "The holder" is whoever holds the thread
// now: the worker running it, or the queue / wait list / timer heap it sits in — a thread is
// in exactly one of those at a time, and moving it between them is a hand-off with
// release/acquire, so plain fields need no atomics.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stop_token>

#include <boost/context/detail/fcontext.hpp>

#include <hybrid/detail/park.hpp>
#include <hybrid/observer.hpp>

namespace hybrid::detail {

// join_word values besides a joiner's thread_control*.
inline constexpr std::uintptr_t join_running = 0;   // no joiner yet, still running
inline constexpr std::uintptr_t join_done = 1;      // terminated; the joiner recycles the stack
inline constexpr std::uintptr_t join_detached = 2;  // handle dropped; exit recycles the stack

struct thread_control {
  // --- set when the stack is mapped; constant afterwards.
  char* stack_base = nullptr;  // lowest address: the guard page starts here
  std::size_t stack_size = 0;  // bytes from stack_base to this control block's end
  std::size_t guard_size = 0;  // 0 when the stack could not get a guard page

  // --- written by the spawning worker in reserve_thread/start_thread, then read-only.
  std::uint64_t id = 0;
  char name[32] = {};
  void* fn_storage = nullptr;  // the function object, just below this block
  const callable_ops* ops = nullptr;
  std::stop_source stop{std::nostopstate};  // real state only if fn takes a stop_token

  // --- the holder's (see above).
  // context — where the thread resumes: valid while it is not running (saved by whoever runs
  // next on its worker, context.cpp); stale while it runs and after it terminated.
  boost::context::detail::fcontext_t context = nullptr;
  thread_control* next = nullptr;  // intrusive link: injection queue or FIFO list
  thread_state state = thread_state::created;
  wait_reason waiting_on = wait_reason::none;  // valid while blocked
  std::uint64_t waiting_detail = 0;            // e.g. the id of the joined thread, or an fd
  // io_slot — the socket wait slot (poller.hpp) of the thread's current or last wait on a
  // socket. Written by the thread before it parks there; read (relaxed) by a timer at that
  // wait's deadline, which claims the thread from the slot only if the slot still holds it:
  // a stale pointer costs at most a spurious wake-up, never a wrong one (poller.hpp).
  std::atomic<std::atomic<std::uintptr_t>*> io_slot{nullptr};

  // --- written by the thread itself before it terminates; read by the joiner after it
  // observes join_done (acquire).
  std::exception_ptr error;

  // join_word — join_running, join_done, join_detached, or the waiting joiner's control
  // block. Each side writes it once with an RMW; see thread.cpp.
  std::atomic<std::uintptr_t> join_word{join_running};

  // --- sanitizer fiber state (see sanitizer.hpp); unused in ordinary builds.
  void* tsan_fiber = nullptr;
  void* asan_fake_stack = nullptr;

  // usable_top() — where fn storage and frames may start (just below this block).
  char* usable_top() noexcept { return reinterpret_cast<char*>(this); }
};

}  // namespace hybrid::detail
