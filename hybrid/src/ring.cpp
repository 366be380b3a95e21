// hybrid/src/ring.cpp — setting up, feeding and sleeping in one worker's io_uring (ring.hpp).
#include "ring.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace hybrid::detail {

namespace {
// why_refused(error) — what an io_uring_queue_init failure means, in words.
std::string why_refused(int error) {
  std::string text = "io_uring is unavailable: " + std::string(std::strerror(error));
  std::ifstream setting("/proc/sys/kernel/io_uring_disabled");
  int disabled = 0;
  if (setting >> disabled && disabled != 0) {
    text += " (kernel.io_uring_disabled = " + std::to_string(disabled) + ")";
  } else if (error == EPERM || error == EACCES) {
    text += " (refused by a seccomp filter or a security module)";
  } else if (error == ENOSYS) {
    text += " (the kernel has no io_uring)";
  }
  return text;
}
}  // namespace

std::string ring_unavailable_reason() {
  io_uring probe{};
  const int rc = ::io_uring_queue_init(4, &probe, 0);
  if (rc < 0) return why_refused(-rc);
  ::io_uring_queue_exit(&probe);
  return {};
}

ring::ring(unsigned entries) {
  // Cooperative task work (COOP_TASKRUN, Linux 5.19): the kernel finishes a completion the next
  // time the submitting kernel thread enters it, instead of interrupting it, and TASKRUN_FLAG
  // says when such work waits (run_deferred). Not DEFER_TASKRUN: that needs a single submitter
  // thread, and a worker, with its ring, may move to another carrier (carrier.hpp). Older
  // kernels get a plain ring.
  constexpr unsigned modes[] = {IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 0};
  int rc = -EINVAL;
  for (const unsigned mode : modes) {
    io_uring_params params{};
    params.flags = mode | IORING_SETUP_CQSIZE;
    params.cq_entries = entries * 16;  // room for many completions between two reaps
    rc = ::io_uring_queue_init_params(entries, &ring_, &params);
    if (rc != -EINVAL) break;
  }
  if (rc < 0) throw std::system_error(-rc, std::system_category(), "hybrid: " + why_refused(-rc));
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    const int e = errno;
    ::io_uring_queue_exit(&ring_);
    throw std::system_error(e, std::system_category(), "hybrid: eventfd");
  }
  arm_wake_read();
  static_cast<void>(submit());
}

void ring::run_deferred() {
  // The kernel has completions waiting for this thread to run their last step (task work).
  if ((IO_URING_READ_ONCE(*ring_.sq.kflags) & IORING_SQ_TASKRUN) != 0) {
    ::io_uring_get_events(&ring_);
  }
}

ring::~ring() {
  ::io_uring_queue_exit(&ring_);
  ::close(wake_fd_);
}

io_uring_sqe* ring::operation(bool timed) {
  // An operation and its linked timeout must be submitted together: make room for both first.
  if (::io_uring_sq_space_left(&ring_) < (timed ? 2u : 1u)) static_cast<void>(submit());
  io_uring_sqe* s = ::io_uring_get_sqe(&ring_);
  if (s == nullptr) throw std::system_error(EBUSY, std::system_category(), "hybrid: ring full");
  return s;
}

bool ring::submit() {
  for (;;) {
    const int rc = ::io_uring_submit(&ring_);
    if (rc == -EBUSY) return false;
    if (rc >= 0 || (rc != -EINTR && rc != -EAGAIN)) return true;
  }
}

void ring::link_timeout(io_uring_sqe* sqe, io_op& op, std::int64_t deadline_ns) {
  sqe->flags |= IOSQE_IO_LINK;
  op.deadline.tv_sec = deadline_ns / 1'000'000'000;
  op.deadline.tv_nsec = deadline_ns % 1'000'000'000;
  io_uring_sqe* t = ::io_uring_get_sqe(&ring_);  // room was made by operation(true)
  ::io_uring_prep_link_timeout(t, &op.deadline, IORING_TIMEOUT_ABS);
  ::io_uring_sqe_set_data64(t, ring_tag_timeout);
}

void ring::arm_wake_read() {
  io_uring_sqe* s = ::io_uring_get_sqe(&ring_);
  if (s == nullptr) {
    static_cast<void>(submit());
    s = ::io_uring_get_sqe(&ring_);
  }
  ::io_uring_prep_read(s, wake_fd_, &wake_buffer_, sizeof wake_buffer_, 0);
  ::io_uring_sqe_set_data64(s, ring_tag_wake);
}

void ring::sleep(int timeout_ms) {
  io_uring_cqe* cqe = nullptr;
  if (timeout_ms < 0) {
    ::io_uring_submit_and_wait(&ring_, 1);
    return;
  }
  __kernel_timespec ts{};
  ts.tv_sec = timeout_ms / 1000;
  ts.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1'000'000;
  ::io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
}

void ring::interrupt() noexcept {
  const std::uint64_t one = 1;
  static_cast<void>(::write(wake_fd_, &one, sizeof one));
}

}  // namespace hybrid::detail
