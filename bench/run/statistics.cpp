// bench/run/statistics.cpp — median, min, max, MAD and the median's confidence interval of a
// metric's repetitions. The choices are explained in bench/run/statistics.hpp.
#include "bench/run/statistics.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace threadlab {

namespace {

// binomial_half_pmf(n, i) — P(Binomial(n, 1/2) = i), in log space so that large n does not
// underflow 2^-n before the binomial coefficient is applied.
double binomial_half_pmf(std::size_t n, std::size_t i) {
  const double dn = static_cast<double>(n);
  const double di = static_cast<double>(i);
  return std::exp(std::lgamma(dn + 1) - std::lgamma(di + 1) - std::lgamma(dn - di + 1) -
                  dn * std::log(2.0));
}

}  // namespace

double median_of(std::span<const double> values) {
  assert(!values.empty() && "median_of: precondition: at least one value");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

// level_of(tail) — the level of [x_(k), x_(n-k+1)] when tail is P(Binomial(n, 1/2) <= k - 1).
double level_of(double tail) { return std::clamp(1.0 - 2.0 * tail, 0.0, 1.0); }

double order_statistic_level(std::size_t n, std::size_t k) {
  assert(k >= 1 && 2 * k <= n + 1 && "order_statistic_level: precondition: 1 <= k <= (n+1)/2");
  double tail = 0;  // P(Binomial(n, 1/2) <= k - 1)
  for (std::size_t i = 0; i < k; ++i) tail += binomial_half_pmf(n, i);
  return level_of(tail);
}

median_interval median_confidence_interval(std::span<const double> values, double target) {
  assert(target >= 0 && target < 1 && "median_confidence_interval: precondition: 0 <= target < 1");
  median_interval ci;
  if (values.empty()) return ci;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  // The level falls as k rises (a narrower interval); keep the largest k that reaches target.
  // tail is order_statistic_level's sum for k, grown by one term per step (the same additions in
  // the same order, so the same levels): linear in n, where calling order_statistic_level for
  // each k was quadratic — minutes for the 100,000 repetitions a results file may hold.
  std::size_t k = 1;
  double tail = 0.0 + binomial_half_pmf(n, 0);
  while (2 * (k + 1) <= n + 1) {
    const double next = tail + binomial_half_pmf(n, k);
    if (level_of(next) < target) break;
    tail = next;
    ++k;
  }
  ci.low = sorted[k - 1];
  ci.high = sorted[n - k];
  ci.level = level_of(tail);
  return ci;
}

summary summarize(std::span<const double> values) {
  summary s;
  if (values.empty()) return s;
  s.count = values.size();
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  s.median = median_of(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::fabs(v - s.median));
  s.mad = median_of(deviations);
  if (s.median == 0) {
    s.unstable = s.mad > 0;
  } else {
    s.unstable = s.mad / std::fabs(s.median) > unstable_threshold;
  }
  const median_interval ci = median_confidence_interval(values);
  s.ci_low = ci.low;
  s.ci_high = ci.high;
  s.ci_level = ci.level;
  return s;
}

}  // namespace threadlab
