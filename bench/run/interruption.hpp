// bench/run/interruption.hpp — SIGINT and SIGTERM while a run is in progress: stop cleanly,
// keep what was measured.
//
// A comparison can take half an hour; a user who presses Ctrl-C (SIGINT) or a job system that
// sends SIGTERM must not lose the pairs already measured. While an interrupt_scope is alive,
// those two signals only set a flag and wake the parent's watchdog (a byte on a self-pipe, which
// run_isolated polls beside the child's pipe). The watchdog then kills the child, the runner
// records the pair in progress as `interrupted` (with the repetitions it completed) and runs
// nothing more, and the command writes the report of what it has (an --output file atomically,
// as always) and exits 128 + the signal: 130 for SIGINT, 143 for SIGTERM — the shell's
// convention for a program ended by a signal.
//
// A second signal of either kind while the first is being handled ends the process at once,
// with the default action: a user who presses Ctrl-C twice means it.
//
// Threads: the harness parent is single-threaded (bench/run/isolation.hpp); the scope is
// created and destroyed on that thread, and the handler runs on it.
#pragma once

#include <string>

namespace threadlab {

// interrupt_scope — SIGINT and SIGTERM are caught while it lives; the previous dispositions are
// restored when it ends. Scopes do not nest. Precondition: created on the harness's one thread.
class interrupt_scope {
 public:
  interrupt_scope();
  ~interrupt_scope();
  interrupt_scope(const interrupt_scope&) = delete;
  interrupt_scope& operator=(const interrupt_scope&) = delete;
};

// interrupt_signal() — the signal (SIGINT or SIGTERM) that arrived inside the current scope, or 0
// when none did (or no scope is alive).
int interrupt_signal() noexcept;

// interrupt_fd() — a descriptor that becomes readable when a signal arrives inside the current
// scope (poll it with POLLIN beside other descriptors), or -1 when no scope is alive.
int interrupt_fd() noexcept;

// signal_abbreviation(sig) — "SIGINT", "SIGTERM": a signal's name in reports ("SIG34" for one
// without a name).
std::string signal_abbreviation(int sig);

// exit_status_for(sig) — 128 + sig: what a shell reports for a program its signal ended.
inline int exit_status_for(int sig) { return 128 + sig; }

}  // namespace threadlab
