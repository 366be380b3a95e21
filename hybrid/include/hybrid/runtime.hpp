// hybrid/runtime.hpp — entering the M:N world: hybrid::run starts M kernel workers, runs the
// body as the first green thread, waits for it and for every thread it spawned, and stops.
#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "observer.hpp"
#include "scheduler.hpp"

namespace hybrid {

// default_stack_size — bytes reserved per thread, the guard page included. Only pages a
// thread touches cost memory; a thread that calls a few functions touches one or two.
inline constexpr std::size_t default_stack_size = 64 * 1024;

// min_stack_size — the smallest stack_size accepted (smaller requests are raised to it).
inline constexpr std::size_t min_stack_size = 16 * 1024;

// io_backend — how sockets (net.hpp) wait.
enum class io_backend {
  // epoll — readiness: a call tries the system call, and on EAGAIN parks until the netpoller
  // (one epoll instance per run) says the socket is ready, then tries again.
  epoll,
  // io_uring — completion: a call submits the operation to its worker's ring and parks until
  // the kernel has done it (one ring per worker). Needs a kernel that allows io_uring: run
  // throws std::system_error saying why when it does not.
  io_uring,
};

// options — how one run is set up.
struct options {
  // workers — kernel threads running green threads; 0 means default_workers().
  unsigned workers = 0;
  // stack_size — bytes per thread stack including the guard page, rounded up to whole pages;
  // 0 means default_stack_size.
  std::size_t stack_size = 0;
  // observer — receives every state transition; nullptr (the default) disables tracing.
  // It must outlive the run.
  hybrid::observer* observer = nullptr;
  // io — how sockets wait: see io_backend.
  io_backend io = io_backend::epoll;
  // monitor_period — how often the monitor looks for a worker stuck inside one thread (a CPU
  // hog, or a blocking system call) while any worker is busy; zero: no monitor, no hand-off
  // (blocking(fn) still moves threads). The monitor sleeps while every worker is idle.
  std::chrono::microseconds monitor_period{1000};
  // handoff_after — how long a worker may stay inside one thread's code before the monitor gives
  // its queue to a spare kernel thread. A thread asleep in the kernel is handed off after one
  // monitor_period instead.
  std::chrono::microseconds handoff_after{10'000};
  // max_spare_carriers — the most kernel threads a run creates beyond `workers` for hand-offs;
  // parked when not needed, reused, joined when the run ends. At the bound a stuck worker stays
  // stuck.
  unsigned max_spare_carriers = 64;
};

// default_workers() — std::thread::hardware_concurrency(), at least 1.
unsigned default_workers() noexcept;

// io_uring_unavailable() — "" when this process may use io_backend::io_uring; otherwise why not,
// in one line (kernel.io_uring_disabled, a seccomp filter such as a container's, no io_uring).
std::string io_uring_unavailable();

// describe(o) — the configuration in one line, e.g. "workers=2 stack=64 KiB (guard page,
// pooled, control block on the stack) local_queue=256 (Chase-Lev, steal half when not
// draining) lifo_limit=16 switch=direct thread-to-thread (Boost.Context fcontext)".
std::string describe(const options& o);

// describe_threads() — what the world running in this process is doing, for a program that
// hangs: a line per state and wait with how many threads are in it, then up to 20 threads, a
// line each, e.g.
//   hybrid: 3 green threads on 2 workers:
//     2 blocked in channel pop
//     1 running
//     thread #1 (main): running on worker 0
//     thread #2 (a): blocked in channel pop
// "" when no world runs. May be called from any kernel thread, a worker or not (a watchdog's),
// while the world runs; it reads the threads' fields without waiting for the workers, so the
// listing is a snapshot that may be a moment stale. A diagnostic: the world must not end while
// it runs (a hung world does not).
std::string describe_threads();

// deadlock_error — thrown by run when every worker is idle, no timer is pending, and threads
// are still blocked: nothing can ever wake them. what() names each one, a line each, e.g.
//   hybrid: deadlock: 2 threads blocked forever:
//     thread #2 (a) in channel pop
//     thread #3 (b) in join of #2
// The blocked threads' stacks are released without unwinding them.
class deadlock_error : public std::runtime_error {
 public:
  deadlock_error(const std::string& what, std::size_t blocked)
      : std::runtime_error(what), blocked_(blocked) {}
  // blocked_threads() — how many threads were blocked forever.
  std::size_t blocked_threads() const noexcept { return blocked_; }

 private:
  std::size_t blocked_;
};

namespace detail {
// run_world(o, invoke, body) — run's type-erased core (src/runtime.cpp): invoke(body) runs as
// the world's first green thread.
stats run_world(const options& o, void (*invoke)(void*), void* body);
}  // namespace detail

// run(o, body) — run body() as a green thread on o.workers kernel workers (the calling thread
// is worker 0) and return when body and every thread spawned from it have finished. An
// exception escaping body is rethrown here after that; a deadlock throws deadlock_error.
// body is called in place (not copied): it may be move-only, and may refer to the caller's
// locals. Calls to run do not nest and must not overlap in one process (std::logic_error).
// When a worker's or the monitor's kernel thread cannot be started (a thread limit), run throws
// std::system_error with the error's code, "hybrid: cannot start kernel worker 2 of 4", after
// joining the ones it started; body never ran.
// Guarantee: everything the caller did before run happens-before body starts; every effect of
// every thread of the run happens-before run returns.
template <class Body>
stats run(const options& o, Body&& body) {
  using body_type = std::remove_reference_t<Body>;
  return detail::run_world(
      o, [](void* b) { (*static_cast<body_type*>(b))(); },
      const_cast<void*>(static_cast<const void*>(&body)));
}

}  // namespace hybrid
