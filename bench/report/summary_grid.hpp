// bench/report/summary_grid.hpp — the summary table of a run, before it is drawn: one row per
// workload with its headline metric (the first metric of the sample) and one column per model, the
// best model per row marked, then the baselines, then the notes the marks refer to. The terminal
// table (report_table) and the markdown report (report_markdown) draw this same grid.
#pragma once

#include <string>
#include <vector>

#include "bench/run/results.hpp"

namespace threadlab {

// Marks appended to a cell.
inline constexpr char best_mark = '*';      // the best median of the row
inline constexpr char unstable_mark = '~';  // MAD / median above unstable_threshold
inline constexpr char scaled_mark = '^';    // run at a smaller size; see the scaled notes

// summary_grid — cells as text; every row has header.size() cells.
struct summary_grid {
  std::vector<std::string> header;             // workload, metric, one per model, [baseline]
  std::vector<std::vector<std::string>> rows;  // workloads, then baselines
  std::vector<std::string> legend;             // what the marks mean
  std::vector<std::string> scaled_notes;       // "skynet on kernel: <note>"
  std::vector<std::string> skipped;            // "mutex on kernel_pool: <reason>"
  std::vector<std::string> errors;             // "ring on green: <reason>", interruptions too
  std::vector<std::string> dumps;              // "ring on green:\n<what each thread did>"
  std::vector<std::string> configurations;     // "green: <configuration>", one per model
};

// make_summary_grid(res) — the grid of res. Workloads and models appear in the order of their
// first record.
summary_grid make_summary_grid(const results& res);

// run_summary_line(res) — one line saying how the figures were obtained, e.g.
// "median of 5 repetitions after 1 warm-up, 2 workers of 2 cores; Intel(R) ... (governor
// unavailable); GCC 12.2.0 -O3 -DNDEBUG; Boost 1.74.0; Linux 6.1.0 x86_64; git 0123456789ab
// (dirty); 2026-11-25T12:00:00Z".
std::string run_summary_line(const results& res);

// interruption_line(res) — for an interrupted run, e.g. "INTERRUPTED by SIGINT: the last pair
// was cut short and 48 were not run; these are the results gathered until then."; "" otherwise.
std::string interruption_line(const results& res);

}  // namespace threadlab
