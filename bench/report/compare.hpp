// bench/report/compare.hpp — `threadlab compare A.json B.json`: how the headline figure of each
// record moved from run A (the reference) to run B.
#pragma once

#include <cstddef>
#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// regression_threshold — a record whose headline median got worse by more than this fraction
// is a regression. 10%, the same judgement call as unstable_threshold (bench/run/statistics.hpp):
// a smaller change is within what repetitions of one run disagree by on a noisy machine.
inline constexpr double regression_threshold = 0.10;

// comparison — the text report and how many regressions it found.
struct comparison {
  std::string text;
  std::size_t regressions = 0;
};

// compare_results(a, b) — for each ok record of b with an ok record of the same (workload,
// model) and headline metric in a: the medians, the ratio B/A, and "REGRESSION" when b is worse
// by more than regression_threshold (higher for lower-is-better metrics, lower otherwise).
// Records present in only one run are listed as such.
comparison compare_results(const results& a, const results& b);

}  // namespace threadlab
