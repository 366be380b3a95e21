// bench/report/compare.hpp — `threadlab compare A.json B.json`: how the headline figure of each
// record moved from run A (the reference) to run B, and whether the move is more than noise.
//
// Each record of B is matched with the record of A at the same (workload, model, workers,
// requested size). For a matched pair whose headline metrics have the same name and unit, the
// comparison reports the two medians, the ratio B/A, and the two-sided p-value of the
// Mann–Whitney U test over the two records' samples, one per repetition
// (bench/run/mann_whitney.hpp). The verdict is
//   faster — B is better (lower for a lower-is-better metric, higher otherwise): p < alpha and
//            the medians differ by more than the threshold;
//   slower — B is worse, on the same two conditions: a regression;
//   same   — otherwise: the change is small, or not distinguishable from the noise between
//            repetitions.
// Both conditions are needed: the test alone would call a 0.5% change significant given enough
// repetitions, and the threshold alone would call any change in a noisy figure real.
//
// Too few repetitions: the smallest p-value the test can give for n_a and n_b samples is
// min_two_sided_p(n_a, n_b) = 2 / C(n_a+n_b, n_a) (0.33 for 2 and 2, 0.10 for 3 and 3). When it
// is not below alpha, no outcome can be significant, and the record is reported as such under
// the table with the repetitions that would be needed: the verdict `same` then means "cannot
// tell", not "unchanged". (Google Benchmark's compare.py warns below 9 repetitions; our rule is
// the exact point at which a verdict becomes possible, so a run with the default 5 repetitions
// can give one.)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/run/results.hpp"

namespace threadlab {

// default_threshold — a change of the median by at most this fraction is `same` whatever the
// p-value. 10%, the same judgement call as unstable_threshold (bench/run/statistics.hpp): a
// smaller change is within what repetitions of one run disagree by on a noisy machine.
inline constexpr double default_threshold = 0.10;

// default_alpha — the significance level: a verdict needs p < alpha. 0.05, the convention
// (and compare.py's default).
inline constexpr double default_alpha = 0.05;

// compare_options — the judgement a verdict is made with (`--threshold`, `--alpha`).
struct compare_options {
  double threshold = default_threshold;  // a fraction, >= 0 (0.10 is 10%)
  double alpha = default_alpha;          // in (0, 1)
};

// verdict — see the file comment.
enum class verdict { faster, slower, same };

std::string_view to_string(verdict v);

// record_comparison — one matched record: A's and B's headline figures and the verdict.
struct record_comparison {
  std::string workload;
  std::string model;     // empty for a record read from Google Benchmark JSON
  unsigned workers = 0;  // 0: no point (Google Benchmark JSON)
  std::optional<std::uint64_t> requested_size;  // nullopt: the workload's default
  std::string metric;
  std::string unit;
  bool lower_is_better = true;
  double median_a = 0;
  double median_b = 0;
  double ratio = 0;  // median_b / median_a
  std::size_t samples_a = 0;
  std::size_t samples_b = 0;
  std::optional<double> p_value;  // nullopt: a record has no samples, so no test
  bool too_few = false;  // min_two_sided_p(samples_a, samples_b) >= alpha: never significant
  verdict outcome = verdict::same;
};

// comparison — the outcome of compare_results.
struct comparison {
  std::vector<record_comparison> matched;  // in B's record order
  std::vector<std::string> unmatched;      // "pair: only in A", "pair: not comparable (...)"
  std::size_t regressions = 0;             // matched records with the verdict slower
  std::string text;                        // the report: the table, notes and a summary
};

// compare_results(a, b, options) — compares every record of b with its match in a (see the
// file comment). Records present in only one run, or not ok in either, or whose headline metric
// differs in name or unit or is 0 in A, are listed in `unmatched` and in the text.
comparison compare_results(const results& a, const results& b, const compare_options& options = {});

// environment_differences(a, b) — one line per way two runs' environments differ, for a
// warning: the machine (cpu_model, hostname, logical_cores), the compiler (compiler, cxx_flags,
// build_type) or the Boost version. A field unknown in either run ("unknown", empty, 0) is not
// a difference. Empty when the runs are alike.
std::vector<std::string> environment_differences(const environment& a, const environment& b);

}  // namespace threadlab
