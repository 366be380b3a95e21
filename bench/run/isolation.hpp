// bench/run/isolation.hpp — running one pair in a forked child process under a watchdog.
//
// Why a child process: a workload that deadlocks, crashes or corrupts memory must not take the
// other results with it, and a model's runtime (workers, signal handlers, leaked threads) must
// not outlive its pair. The harness parent is single-threaded — no model ever runs in it — so
// fork() is safe: the child starts with one thread, a copy of the parent's memory, and nothing
// locked.
//
// Protocol, as numbered steps:
//   1. The parent flushes its stdio buffers (else the child would write them twice), creates two
//      pipes (one for reports, one for the child's stderr) and forks. A fork refused for a
//      limit (EAGAIN, ENOMEM) is the pair's error, diagnosed like the child's (step 2).
//   2. The child sends its stdout and stderr into the second pipe, starts the hang responder
//      (bench/run/hang_dump.hpp), runs the warm-up runs and then the repetitions, writing one
//      JSON line per run to the first pipe: {"kind":"warmup","index":k},
//      {"kind":"sample","index":k,"sample":{...}}, or on an exception {"kind":"error",
//      "message":...} ({"kind":"skip",...} for `cannot_run_here`; for a limit reached, the
//      message is the one-line diagnosis of bench/run/exhaustion.hpp, whose reserve the child
//      sets aside before each run); then it leaves with _exit (no atexit handlers, no
//      destructors of the parent's objects). Each repetition runs under a
//      repetition_meter, whose counters are appended to its sample's metrics. On SIGUSR1 the
//      responder writes {"kind":"dump","text":...}.
//   3. The parent reads both pipes under a watchdog: a deadline of timeout_s, reset at each
//      report line. What the child writes on stderr is passed on to the parent's stderr as it
//      comes, its last lines kept. When the deadline passes the parent sends SIGUSR1, waits up
//      to hang_dump_grace for the dump, then SIGKILLs the child and records "hung: ..." with
//      the dump. When SIGINT or SIGTERM reaches the parent (bench/run/interruption.hpp), it
//      SIGKILLs the child and records the pair as interrupted.
//   4. At end of file (or after the kill) the parent reaps the child with wait4, which also
//      gives its peak RSS and context switches. A child killed by a signal it did not get from
//      the watchdog is reported as a crash naming the signal and the last line it wrote on
//      stderr (a model's "stack overflow in thread #12 (worker)", an assertion).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/run/parameters.hpp"
#include "bench/run/results.hpp"
#include "bench/workload.hpp"

namespace threadlab {

// repetition_meter — the process's own counters over one repetition, taken in the child:
// peak RSS, voluntary and involuntary context switches. They become metrics appended to the
// repetition's sample, so they get statistics and appear in the JSON and CSV reports (the
// terminal table shows only the headline, the first metric).
//
//   peak_rss_bytes            VmHWM from /proc/self/status after the repetition, the high-water
//                             mark having been reset to the current RSS before it by writing
//                             "5" to /proc/self/clear_refs (Linux >= 4.0). Where that reset
//                             fails, ru_maxrss: the peak since the child started, which can
//                             only be larger. Includes the harness's own few MiB (the child is
//                             a fork of it): compare between models, not as an absolute.
//   voluntary_ctx_switches    getrusage(RUSAGE_SELF) ru_nvcsw after minus before: every thread
//                             of the process, exited ones included — a kernel thread that
//                             blocked (futex, sleep, I/O) and gave up its CPU.
//   involuntary_ctx_switches  ru_nivcsw likewise: the kernel preempted a runnable thread (its
//                             time slice ran out, or a higher-priority task woke).
// All three include the model's start-up and shut-down inside M::run, not just the timed part.
//
// Precondition: start() and finish() are called by the same process, start() first.
class repetition_meter {
 public:
  // start() — resets the peak-RSS high-water mark (when the kernel allows) and reads the
  // context-switch counters.
  void start();
  // finish() — the three metrics above, for the time since start().
  std::vector<metric_value> finish() const;

 private:
  bool peak_reset_ = false;
  long voluntary_before_ = 0;
  long involuntary_before_ = 0;
};

// isolated_outcome — what came back from the child.
struct isolated_outcome {
  std::vector<sample> samples;       // one per completed repetition, in order
  std::optional<std::string> error;  // set when the child failed, hung or crashed
  std::optional<std::string> skip;   // set when the workload said it cannot run here
  std::string dump;                  // a hung child's threads (bench/run/hang_dump.hpp), or ""
  int interrupted_by = 0;            // SIGINT or SIGTERM when the run was interrupted, else 0
  resource_usage rusage;             // of the child, from wait4
};

// run_isolated(once, params, workload, model, describe_threads) — runs once() params.warmup +
// params.repetitions times in a forked child, as described above, each run under a watchdog of
// params.timeout_s. workload and model name the pair in error messages; describe_threads (may
// be empty) lists the model's threads for a hang dump. Precondition: called from a
// single-threaded process (the harness parent). Samples received before a failure or an
// interruption are kept in the outcome.
isolated_outcome run_isolated(const std::function<sample()>& once, const parameters& params,
                              std::string_view workload, std::string_view model,
                              const std::function<std::string()>& describe_threads = {});

}  // namespace threadlab
