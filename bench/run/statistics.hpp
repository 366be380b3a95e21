// bench/run/statistics.hpp — the summary of one metric over the repetitions of a run.
//
// We report the median (robust to the odd repetition disturbed by another process), min and
// max (the spread a reader can see), the MAD — median absolute deviation — as the spread
// figure (it ignores outliers the way the median does, where a standard deviation would let
// one slow repetition dominate), and a confidence interval of the median.
//
// The interval is the distribution-free order-statistic interval (Thompson 1936; see e.g.
// Conover, "Practical Nonparametric Statistics", §3.2): for n sorted values x(1) <= ... <= x(n),
// the true median lies in [x(k), x(n+1-k)] with probability 1 - 2 * P(Binomial(n, 1/2) <= k-1),
// whatever the distribution of the values (they need only be independent and identically
// distributed). We take the narrowest such interval whose level reaches ci_target_level (95%).
// With few repetitions no interval reaches it and we report [min, max] at its exact, lower
// level: 5 repetitions give [min, max] at 93.75%, 3 give 75%, 1 gives a point at 0%. The level
// is always reported next to the bounds, so a reader never mistakes one for 95%.
//
// Why not a bootstrap: with the 3 to 10 repetitions we run, a bootstrap of the median can only
// return sample values anyway, and its level is an approximation; the order-statistic interval
// is exact, needs no seed, and is reproducible by hand.
#pragma once

#include <cstddef>
#include <span>

namespace threadlab {

// unstable_threshold — a summary whose MAD exceeds this fraction of its median is flagged
// `unstable`. 10% is a judgement call, not a derived figure: on a quiet machine repetitions of
// our workloads agree within a few percent, so a wider spread means the figure is disturbed
// (other processes, frequency scaling) and should not be used to rank models. Tune with data.
inline constexpr double unstable_threshold = 0.10;

// ci_target_level — the confidence level the median's interval aims for (see the file comment).
inline constexpr double ci_target_level = 0.95;

// median_interval — a confidence interval of the median: the true median lies in [low, high]
// with probability `level` (exact, distribution-free).
struct median_interval {
  double low = 0;
  double high = 0;
  double level = 0;  // in [0, 1]
};

// summary — the statistics of one metric. For zero values every field is 0 and count is 0.
struct summary {
  double median = 0;
  double min = 0;
  double max = 0;
  double mad = 0;  // median of |x - median|
  std::size_t count = 0;
  bool unstable = false;  // mad / |median| > unstable_threshold (see there)
  double ci_low = 0;      // the median's confidence interval (see median_confidence_interval)
  double ci_high = 0;
  double ci_level = 0;
};

// summarize(values) — the summary of values, in any order. The median of an even count is the
// mean of the two middle values. One value (or identical values) gives mad 0 and is not flagged
// unstable: there is no evidence of spread, though one sample is no evidence of stability
// either — the report shows the count (and a ci_level of 0). A median of 0 with a non-zero MAD
// is unstable.
summary summarize(std::span<const double> values);

// median_of(values) — the median of values (mean of the middle two for an even count);
// precondition: values is not empty.
double median_of(std::span<const double> values);

// median_confidence_interval(values, target) — the narrowest order-statistic interval
// [x(k), x(n+1-k)] whose level reaches target, or [min, max] with its own (lower) level when
// none does. Empty values give {0, 0, 0}. Precondition: 0 <= target < 1.
median_interval median_confidence_interval(std::span<const double> values,
                                           double target = ci_target_level);

// order_statistic_level(n, k) — the exact probability that the median of the distribution
// lies in [x(k), x(n+1-k)] for n independent values: 1 - 2 * P(Binomial(n, 1/2) <= k - 1).
// Precondition: 1 <= k <= (n + 1) / 2.
double order_statistic_level(std::size_t n, std::size_t k);

}  // namespace threadlab
