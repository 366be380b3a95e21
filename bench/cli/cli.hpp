// bench/cli/cli.hpp — the `threadlab` command line.
//
//   threadlab                      the default comparison: every workload on every model, plus
//                                  the baselines, default sizes, 5 repetitions, a table
//   threadlab list                 workloads, baselines and models, one line each
//   threadlab run [options]        a chosen comparison (see `threadlab run --help`)
//   threadlab compare A.json B.json  each record's headline median in B against A, with the
//                                  Mann-Whitney U test over their repetitions: faster, slower
//                                  or same (bench/report/compare.hpp). Options --threshold PCT
//                                  (default 10) and --alpha P (default 0.05); A and B may be
//                                  threadlab results or Google Benchmark JSON, told by content
//   threadlab report R.json --html F  a results file (run --format json) drawn again: as one
//                                  self-contained HTML page of charts (--html), or in any
//                                  --format (default table) to --output or stdout
//   threadlab trace --workload W --model M  one traced run: a Chrome trace (Perfetto) and,
//                                  with --svg, a timeline picture (bench/cli/trace_command.cpp)
//
// Exit status: 0 success; 1 when a pair errored or hung, a compare found a significant
// regression (a `slower` verdict), or the report could not be written (a run's report then goes
// to stdout instead); 2 for a bad command line or a compare input that cannot be read or is not
// a results file — with one line on stderr naming the bad value and the valid ones; 130 or 143
// when SIGINT or SIGTERM interrupted a run, whose report then holds what was measured until
// then (bench/run/interruption.hpp).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bench/report/compare.hpp"
#include "bench/report/report.hpp"
#include "bench/run/parameters.hpp"
#include "bench/run/registry.hpp"
#include "bench/run/runner.hpp"

namespace threadlab {

// Exit statuses of `threadlab`.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // a pair errored or hung; a regression; an I/O error
inline constexpr int exit_usage = 2;   // a bad command line; an unreadable compare input

// run_request — a validated `threadlab run` (or the default comparison).
struct run_request {
  selection what;     // the pairs and baselines named (run/runner.hpp: select); default: all
  parameters params;  // warm-up, repetitions, watchdog, workers (0: every core), sizes
  report_format format = report_format::table;
  std::optional<std::string> output;  // nullopt: stdout
  bool states = false;  // --states: state accounting per pair (bench/trace/states.hpp)
  bool quiet = false;   // --quiet: no progress line, even on a terminal (cli/progress_line.hpp)
};

// list_request — `threadlab list`.
struct list_request {};

// compare_request — `threadlab compare A B`.
struct compare_request {
  std::string reference;    // A
  std::string candidate;    // B
  compare_options options;  // --threshold (as a fraction), --alpha
};

// report_request — `threadlab report R.json`: a results file rendered again. With --html, the
// HTML page is written there; the text report (format, to output or stdout) is written too
// unless --html came without --format and --output.
struct report_request {
  std::string input;  // R.json
  std::optional<std::string> html;
  bool text = true;  // write the text report
  report_format format = report_format::table;
  std::optional<std::string> output;  // nullopt: stdout
};

// trace_request — `threadlab trace`: one repetition of one workload on one model, traced.
struct trace_request {
  std::string workload;
  std::string model;
  std::optional<std::uint64_t> size;  // nullopt: the workload's trace_size
  unsigned workers = 0;               // 0: every logical core
  std::uint64_t max_events = 1'000'000;
  std::string output = "trace.json";
  std::optional<std::string> svg;  // nullopt: no picture
};

// trace_command(reg, req, out, err) — runs req in this process with a tracer attached, writes
// the trace (and the picture) atomically, and returns the exit status. Precondition: called
// from a single-threaded process. Defined in bench/cli/trace_command.cpp.
int trace_command(const registry& reg, const trace_request& req, std::ostream& out,
                  std::ostream& err);

// cli_exit — the command line asked for help, or was bad: print text (help to stdout, errors to
// stderr as one line) and exit with code.
struct cli_exit {
  int code = exit_ok;
  std::string text;
};

using cli_command = std::variant<run_request, list_request, compare_request, report_request,
                                 trace_request, cli_exit>;

// parse_command_line(argc, argv, reg) — the command argv asks for, with every value checked
// against reg (workload and model names) and its valid range. Never throws for bad input: a
// bad value gives cli_exit{exit_usage, "threadlab: ..."}.
cli_command parse_command_line(int argc, const char* const* argv, const registry& reg);

// run_cli(argc, argv, reg, out, err) — parses and executes the command; returns the exit
// status. Reports go to out (or to --output), progress and errors to err. Precondition: called
// from a single-threaded process (pairs are run in forked children).
int run_cli(int argc, const char* const* argv, const registry& reg, std::ostream& out,
            std::ostream& err);

}  // namespace threadlab
