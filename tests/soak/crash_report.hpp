// tests/soak/crash_report.hpp — what the soak says when a round crashes the process: the round's
// model, seed and workers, the command that replays it, and the faulting thread's backtrace.
//
// An accounting error is reported by the round's checks; a crash (a null pointer in a model, a
// stack that overflows) ends the process before any check runs, and the exit status alone
// names no round. So the soak installs a handler for SIGSEGV, SIGBUS, SIGFPE, SIGILL and
// SIGABRT at startup, before any model's world exists (hybrid's own guard-page handler, installed
// by its run, passes on every fault that is not a stack overflow to the handler installed
// before it: this one). The handler writes, with write(2) only,
//
//   crash: signal 11 in a round of model=hybrid seed=1796099722 workers=4
//   replay: threadlab-soak --seed 1796099722 --model hybrid
//   crash: backtrace of the faulting thread:
//   threadlab-soak(+0xa4fd8)[0x5588a873ffd8]  ...  (addresses for addr2line -e threadlab-soak)
//
// and then restores the default action, so that the process still dies of the signal (exit
// status 128 + signal, as scripts/soak.sh expects).
#pragma once

#include <cstdint>
#include <string_view>

namespace threadlab::soak {

// install_crash_report(program) — installs the handler; program is argv[0], for the replay
// line. Call once, from main, before any round.
void install_crash_report(const char* program);

// crash_report_round(model, seed, workers) — the round running from now on, as the handler
// will name it. Called by the thread that runs the rounds, as each one starts.
void crash_report_round(std::string_view model, std::uint64_t seed, unsigned workers);

}  // namespace threadlab::soak
