// hybrid/src/ring.hpp — the io_uring back end: one ring per worker, completion-based.
//
// With options::io = io_backend::io_uring, a socket call does not try the system call and wait
// for readiness (the epoll back end, poller.hpp): it submits the operation itself (recv, send,
// accept, connect) to its worker's ring and parks; the kernel performs it and posts a
// completion; the worker that owns the ring reaps it and makes the thread ready with the
// result. One ring per worker, because a ring's submission queue has one producer: only the
// kernel thread carrying the worker submits (a green thread running there), and only it reaps,
// so no lock is needed and no worker contends on another's ring (the contention Go's io_uring
// discussion worries about with a shared one). A worker can move to another carrier
// (carrier.hpp); the hand-off orders everything the old one did before the new one starts.
//
// The protocol, for one operation:
//   1. the thread (on worker W) fills an io_op on its own stack, prepares the SQE with the
//      io_op as user data (and a linked timeout SQE when it has a deadline), submits, and parks
//      (after_switch::ring_wait: only marks it blocked);
//   2. W reaps completions only where no thread is between parking and its context being saved:
//      in its scheduler loop and at the end of after_switch_out. A completion stores its result
//      in the io_op and makes the thread ready on W;
//   3. a deadline is a linked IORING_OP_LINK_TIMEOUT: when it fires first the operation
//      completes with -ECANCELED, which the thread reports as timed_out. The timeout's own
//      completion carries a tag and is ignored.
// A worker with operations in flight must not sleep on its futex (their completions would wait
// for an unrelated wake-up): it sleeps in the ring (io_uring_submit_and_wait_timeout) instead.
// Its parker wakes it there by writing an eventfd the ring always has a read pending on.
#pragma once

#include <cstdint>
#include <string>

#include <liburing.h>

#include "parker.hpp"

namespace hybrid::detail {

struct thread_control;

// io_op — one operation in flight: who waits for it, what it returned (bytes or a new
// descriptor, or -errno) and its linked timeout's time. Lives on the waiting thread's stack
// until the thread resumes.
struct io_op {
  thread_control* thread = nullptr;
  int result = 0;
  __kernel_timespec deadline{};  // read by the kernel when the timeout is submitted
};

// ring_unavailable_reason() — empty when this process can set up an io_uring; otherwise why
// not (the kernel.io_uring_disabled setting, a seccomp filter, an old kernel), in one line.
std::string ring_unavailable_reason();

class ring final : public sleeper {
 public:
  // ring(entries) — a ring of `entries` submission slots and its wake-up eventfd. Throws
  // std::system_error saying why when the kernel refuses io_uring.
  explicit ring(unsigned entries = 256);
  ~ring();
  ring(const ring&) = delete;
  ring& operator=(const ring&) = delete;

  // operation(timed) — a free submission slot for an operation, with room for its linked
  // timeout after it when timed (what is queued is submitted first if need be). Owner only.
  io_uring_sqe* operation(bool timed);
  // link_timeout(sqe, op, deadline_ns) — link a timeout to sqe, the SQE operation(true) gave
  // for op: it completes with -ECANCELED if it has not finished at deadline_ns on the steady
  // clock (CLOCK_MONOTONIC). Owner only.
  void link_timeout(io_uring_sqe* sqe, io_op& op, std::int64_t deadline_ns);
  // submit() — hand every prepared SQE to the kernel. Returns false when the kernel took none
  // because its completion queue is full: reap, then submit again. Owner only.
  bool submit();

  // reap(ready) — every completion posted: results stored, waiting threads handed to
  // ready(thread_control*). Returns how many operations completed. Owner only.
  template <class Ready>
  unsigned reap(Ready&& ready);

  // sleep(timeout_ms) — submit, then wait until a completion is posted (an operation, or
  // interrupt's) or timeout_ms passes (-1: no limit). Owner only.
  void sleep(int timeout_ms) override;
  // interrupt() — end a sleep in progress or the next one. Any thread.
  void interrupt() noexcept override;

  // in_flight() — operations submitted and not yet reaped. Owner only.
  unsigned in_flight() const noexcept { return in_flight_; }
  void count_submitted() noexcept { ++in_flight_; }

 private:
  void arm_wake_read();  // the pending read on wake_fd_
  void run_deferred();   // let the kernel finish the completions that wait for this thread

  io_uring ring_{};
  int wake_fd_ = -1;
  std::uint64_t wake_buffer_ = 0;  // the pending read's destination
  unsigned in_flight_ = 0;
};

// Tags in user_data besides an io_op's address.
inline constexpr std::uint64_t ring_tag_timeout = 1;
inline constexpr std::uint64_t ring_tag_wake = 2;

template <class Ready>
unsigned ring::reap(Ready&& ready) {
  run_deferred();
  unsigned completed = 0;
  io_uring_cqe* cqe = nullptr;
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    ++seen;
    const std::uint64_t tag = cqe->user_data;
    if (tag == ring_tag_timeout) continue;
    if (tag == ring_tag_wake) {
      arm_wake_read();
      continue;
    }
    auto* op = reinterpret_cast<io_op*>(static_cast<std::uintptr_t>(tag));
    op->result = cqe->res;
    --in_flight_;
    ++completed;
    ready(op->thread);
  }
  io_uring_cq_advance(&ring_, seen);
  return completed;
}

}  // namespace hybrid::detail
