// kernel_threads/src/observer.cpp — trace ids and the kernel's per-thread accounting.
#include "kernel_threads/observer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace kernel_threads {

std::uint64_t next_trace_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  // relaxed: only hands out distinct ids.
  return next.fetch_add(1, std::memory_order_relaxed);
}

kernel_accounting read_own_accounting(std::uint64_t id) noexcept {
  kernel_accounting a;
  a.thread_id = id;
  // schedstat: "<ns on cpu> <ns waiting on a run queue> <timeslices>\n" (Documentation/
  // scheduler/sched-stats.rst). open/read/close, no stdio: this runs on every exiting thread.
  const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return a;
  char text[128];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return a;
  text[n] = '\0';
  char* at = text;
  a.run_ns = std::strtoull(at, &at, 10);
  a.wait_ns = std::strtoull(at, &at, 10);
  a.timeslices = std::strtoull(at, &at, 10);
  return a;
}

}  // namespace kernel_threads
