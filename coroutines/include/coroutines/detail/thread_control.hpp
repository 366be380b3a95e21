// coroutines/detail/thread_control.hpp — a coroutine thread's control block: what the scheduler
// queues and resumes. spawn allocates one from the frame pool (frame_pool.hpp) beside the
// frames of the thread's tasks; it lives until both the thread has ended and its join_handle is
// gone (join_word says which came last). Not for users.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <stop_token>

#include "../observer.hpp"
#include "frame_pool.hpp"

namespace coroutines::detail {

// join_word values besides a joiner's control block (thread_control::join_word).
inline constexpr std::uintptr_t join_running = 0;
inline constexpr std::uintptr_t join_terminated = 1;
inline constexpr std::uintptr_t join_detached = 2;  // running, its handle gone

struct thread_control : pooled {
  // resume — the innermost suspended frame of the thread: the one a worker resumes next. Written
  // by the thread itself (in an await_suspend, before the control block is published to a wait
  // list or queue); read by the worker that takes it out. The publication (a spinlock, a queue's
  // release) orders the two.
  std::coroutine_handle<> resume;
  // next — the intrusive link of the owner-only FIFO list and of the injection queue.
  thread_control* next = nullptr;
  // id — unique within a run (the body is #1); 0 until start_thread.
  std::uint64_t id = 0;
  // state, waiting — thread_state and what a blocked thread waits for; written by whoever holds
  // the thread (the same hand-offs as resume), read by the observer report.
  thread_state state = thread_state::created;
  wait_kind waiting = wait_kind::unknown;
  // wait_detail — for a socket wait, the descriptor (the observer's transition::wait_detail). In
  // the padding before join_word: no byte added to a parked thread.
  std::uint32_t wait_detail = 0;
  // join_word — join_running, join_terminated, join_detached, or the control block of the
  // thread waiting in join (a lock-free list of at most one waiter: see thread.cpp). It also
  // says who deletes the control block and the frames: the handle, once the thread has
  // terminated; the thread, when it ends after its handle was detached.
  std::atomic<std::uintptr_t> join_word{join_running};
  // stop — the thread's stop state: a real one when its function takes a std::stop_token,
  // std::nostopstate otherwise (request_stop() then returns false).
  std::stop_source stop{std::nostopstate};
  // destroy — deletes the most-derived object (spawn's template type) and, with it, the frames.
  void (*destroy)(thread_control*) noexcept = nullptr;
};

}  // namespace coroutines::detail
