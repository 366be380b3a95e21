// hybrid/blocking.hpp — run a call that blocks in the kernel without stalling the worker's other
// threads (marl's blocking_call, Tokio's block_in_place).
//
// A green thread that makes a blocking system call holds its worker's kernel thread: the
// threads queued on that worker wait until the call returns, unless the monitor notices and
// hands the worker to a spare kernel thread (options::monitor_period). blocking(fn) separates
// the two up front, for code that knows it will block, and the other way round: the calling
// green thread moves, with its stack, to a spare kernel thread, and the worker stays where it is
// and goes on with its queue at once. fn runs on the spare.
//
// The thread stays there after fn returns, running alone like a 1:1 kernel thread, until its
// next call into the scheduler (a yield, a channel, a join, a socket, its exit): that call
// queues it for the workers, and the spare parks again. So a loop of blocking calls costs what
// it costs on 1:1 threads (one kernel wake-up per call), and a thread pays the move back once,
// when it next needs the scheduler. The price: code the thread runs between blocking() and that
// call runs beside the M workers, time-sliced by the kernel, as a handed-off hog does.
//
// Cost of the move: a spare's wake-up, paid off the worker (the worker itself only switches
// threads), and later the thread's trip through the injection queue. When every spare is in use
// (options::max_spare_carriers), fn runs where it is, holding the worker, and the monitor may
// hand the worker off if fn blocks. The design is in src/scheduler.cpp's essay, "Blocking and
// hogs".
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

namespace hybrid {

namespace detail {
// leave_worker() — move the calling thread to a spare carrier, unless it runs on one already
// (src/thread.cpp).
void leave_worker();
}  // namespace detail

// blocking(fn) — fn(), run on a kernel thread of its own while the calling thread's worker runs
// its other threads; returns what fn returns, and fn's exception propagates. fn runs exactly
// once, on the calling green thread's stack. Precondition: called from a green thread of
// hybrid::run.
template <class Fn>
std::invoke_result_t<Fn> blocking(Fn&& fn) {
  detail::leave_worker();
  return std::invoke(std::forward<Fn>(fn));
}

}  // namespace hybrid
