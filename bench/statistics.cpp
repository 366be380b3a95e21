// bench/statistics.cpp — median, min, max and MAD of a metric's repetitions.
#include "bench/statistics.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace threadlab {

double median_of(std::span<const double> values) {
  assert(!values.empty() && "median_of: precondition: at least one value");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
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
  for (double v : values)
    deviations.push_back(std::fabs(v - s.median));
  s.mad = median_of(deviations);
  if (s.median == 0) {
    s.unstable = s.mad > 0;
  } else {
    s.unstable = s.mad / std::fabs(s.median) > unstable_threshold;
  }
  return s;
}

}  // namespace threadlab
