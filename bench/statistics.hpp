// bench/statistics.hpp — the summary of one metric over the repetitions of a run.
//
// We report the median (robust to the odd repetition disturbed by another process), min and
// max (the spread a reader can see), and the MAD — median absolute deviation — as the spread
// figure: it ignores outliers the way the median does, where a standard deviation would let
// one slow repetition dominate.
#pragma once

#include <cstddef>
#include <span>

namespace threadlab {

// unstable_threshold — a summary whose MAD exceeds this fraction of its median is flagged
// `unstable`. 10% is a judgement call, not a derived figure: on a quiet machine repetitions of
// our workloads agree within a few percent, so a wider spread means the figure is disturbed
// (other processes, frequency scaling) and should not be used to rank models. Tune with data.
inline constexpr double unstable_threshold = 0.10;

// summary — the statistics of one metric. For zero values every field is 0 and count is 0.
struct summary {
  double median = 0;
  double min = 0;
  double max = 0;
  double mad = 0;  // median of |x - median|
  std::size_t count = 0;
  bool unstable = false;  // mad / |median| > unstable_threshold (see there)
};

// summarize(values) — the summary of values, in any order. The median of an even count is the
// mean of the two middle values. One value (or identical values) gives mad 0 and is not flagged
// unstable: there is no evidence of spread, though one sample is no evidence of stability
// either — the report shows the count. A median of 0 with a non-zero MAD is unstable.
summary summarize(std::span<const double> values);

// median_of(values) — the median of values (mean of the middle two for an even count);
// precondition: values is not empty.
double median_of(std::span<const double> values);

}  // namespace threadlab
