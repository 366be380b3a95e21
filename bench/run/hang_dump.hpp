// bench/run/hang_dump.hpp — what a hung child was doing, written before it is killed.
//
// When the watchdog's deadline passes (bench/run/isolation.hpp), "hung" alone leaves the user to
// guess. So the parent first sends the child SIGUSR1 and waits a moment (hang_dump_grace) for a
// dump; only then does it send SIGKILL. The dump goes into the pair's record (`dump`), under the
// error in every report.
//
// The dump has two parts:
//   1. the model's own threads, when the model can list them (M::describe_threads(): hybrid's
//      green threads, with their state, worker and what each waits for, as its deadlock report
//      lists them);
//   2. every kernel thread of the child, from /proc/self/task: its name, its scheduler state
//      (R running, S sleeping, D in uninterruptible I/O, ...) and its wchan, the kernel function
//      it sleeps in (futex_wait_queue: a lock or condition variable; ep_poll: an event loop;
//      hrtimer_nanosleep: a sleep). For kernel threads this is the whole story.
//
// How the child answers: a signal handler may call only async-signal-safe functions, and
// listing a model's threads takes a lock and allocates. So the child blocks SIGUSR1 before the
// model starts — every thread the model creates inherits the mask — and one extra kernel thread
// (the responder) waits for it in sigwait(). It does nothing else, so it costs the measurements
// nothing; it is the thread named "threadlab-dump" in the listing, and is left out of it.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace threadlab {

// hang_dump_grace — how long the parent waits for the dump after SIGUSR1: enough to walk 100,000
// threads' records on a loaded machine, short enough not to matter beside the deadline.
inline constexpr std::chrono::milliseconds hang_dump_grace{3000};

// kernel_tasks_report() — part 2 above: one line per kernel thread of this process except the
// responder, e.g. "  task 4242 (hybrid-1): S (sleeping) in futex_wait_queue".
std::string kernel_tasks_report();

// start_hang_responder(describe_threads, send) — blocks SIGUSR1 in the calling thread and
// starts the responder: on SIGUSR1 it calls send(dump) once, the dump being describe_threads()
// (when not empty) followed by kernel_tasks_report(). send is called on the responder's thread
// and must be safe against the caller's own sends (the child's pipe writes are serialized by a
// mutex in isolation.cpp). Precondition: called in the child, before the model starts, once.
void start_hang_responder(std::function<std::string()> describe_threads,
                          std::function<void(const std::string&)> send);

}  // namespace threadlab
