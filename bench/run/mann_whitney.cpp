// bench/run/mann_whitney.cpp — the Mann–Whitney U test: U from the ranks of the pooled samples,
// its exact distribution by counting, the normal approximation otherwise. The choices are
// explained in bench/run/mann_whitney.hpp.
#include "bench/run/mann_whitney.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>
#include <vector>

namespace threadlab {

namespace {

// u_counts(n1, n2) — counts[u]: how many of the C(n1+n2, n1) orderings of n1 x's and n2 y's
// (no ties) give U = u, for u in [0, n1·n2].
//
// The dynamic programme: let f(i, j) be the counts for i x's and j y's. The largest of the
// i + j values is either an x, which is above all j y's and adds j to U, or a y, which adds
// nothing: f(i, j)[u] = f(i-1, j)[u-j] + f(i, j-1)[u], with f(0, j) = f(i, 0) = {1} (U = 0).
// Row i is built from row i-1 and from itself, left to right, so one row is kept at a time.
std::vector<double> u_counts(std::size_t n1, std::size_t n2) {
  const std::size_t top = n1 * n2;
  // row[j] — f(i, j) for the current i, padded with zeros to top + 1 entries.
  std::vector<std::vector<double>> row(n2 + 1, std::vector<double>(top + 1, 0.0));
  for (auto& counts : row) counts[0] = 1;  // i = 0: no x, U = 0 whatever j
  for (std::size_t i = 1; i <= n1; ++i) {
    // row[0] stays {1}: no y, U = 0. row[j] still holds f(i-1, j); row[j-1] already f(i, j-1).
    for (std::size_t j = 1; j <= n2; ++j) {
      std::vector<double> next(top + 1, 0.0);
      for (std::size_t u = 0; u <= top; ++u) {
        next[u] = row[j - 1][u] + (u >= j ? row[j][u - j] : 0.0);
      }
      row[j] = std::move(next);
    }
  }
  return row[n2];
}

// standard_normal_sf(z) — P(Z > z) for a standard normal Z.
double standard_normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// ranked — the pooled samples' rank statistics: the rank sum of x (ties get the mean of the
// ranks they span) and the tie term Σ (t³ - t) over the groups of t equal values.
struct ranked {
  double rank_sum_x = 0;
  double tie_term = 0;
};

ranked rank_pooled(std::span<const double> x, std::span<const double> y) {
  std::vector<std::pair<double, bool>> pooled;  // (value, from x)
  pooled.reserve(x.size() + y.size());
  for (double v : x) pooled.emplace_back(v, true);
  for (double v : y) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  ranked out;
  for (std::size_t start = 0; start < pooled.size();) {
    std::size_t end = start + 1;  // [start, end): one group of equal values
    while (end < pooled.size() && pooled[end].first == pooled[start].first) ++end;
    const double t = static_cast<double>(end - start);
    const double mean_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t k = start; k < end; ++k) {
      if (pooled[k].second) out.rank_sum_x += mean_rank;
    }
    out.tie_term += t * t * t - t;
    start = end;
  }
  return out;
}

}  // namespace

double exact_u_cdf(std::size_t n1, std::size_t n2, long u) {
  assert(n1 <= exact_limit && n2 <= exact_limit && "exact_u_cdf: precondition: small samples");
  const long top = static_cast<long>(n1 * n2);
  if (u < 0) return 0;
  if (u >= top) return 1;
  const std::vector<double> counts = u_counts(n1, n2);
  double total = 0;
  double below = 0;  // orderings with U <= u
  for (long k = 0; k <= top; ++k) {
    total += counts[static_cast<std::size_t>(k)];
    if (k <= u) below += counts[static_cast<std::size_t>(k)];
  }
  return below / total;
}

double min_two_sided_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1;
  // C(n1+n2, n1) by the product formula, in doubles: exact while it fits, and past 1e15 the
  // result is far below any significance level anyway.
  double orderings = 1;
  const std::size_t k = std::min(n1, n2);
  for (std::size_t i = 1; i <= k; ++i) {
    orderings = orderings * static_cast<double>(n1 + n2 - k + i) / static_cast<double>(i);
  }
  return std::min(1.0, 2.0 / orderings);
}

mann_whitney_result mann_whitney_u(std::span<const double> x, std::span<const double> y) {
  assert(std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); }) &&
         std::all_of(y.begin(), y.end(), [](double v) { return std::isfinite(v); }) &&
         "mann_whitney_u: precondition: finite values");
  mann_whitney_result r;
  if (x.empty() || y.empty()) return r;
  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  const ranked ranks = rank_pooled(x, y);
  r.u = ranks.rank_sum_x - n1 * (n1 + 1) / 2;  // = #(x > y) + #(x == y) / 2
  const double mean = n1 * n2 / 2;

  if (ranks.tie_term == 0 && x.size() <= exact_limit && y.size() <= exact_limit) {
    // 1. Exact. Without ties U is an integer; P(U >= u) = P(U <= n1·n2 - u) by symmetry.
    const long u = std::lround(r.u);
    const long top = static_cast<long>(x.size() * y.size());
    const double lower = exact_u_cdf(x.size(), y.size(), u);
    const double upper = exact_u_cdf(x.size(), y.size(), top - u);
    r.p_value = std::min(1.0, 2.0 * std::min(lower, upper));
    r.exact = true;
    return r;
  }

  // 2. The normal approximation: U has mean n1·n2/2 and, with ties, variance
  //    n1·n2/12 · ((N + 1) - Σ(t³ - t) / (N(N - 1))), N = n1 + n2.
  const double n = n1 + n2;
  const double variance = n1 * n2 / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1)));
  if (variance <= 0) return r;  // every value equal: no evidence of a difference, p = 1
  const double z = (std::fabs(r.u - mean) - 0.5) / std::sqrt(variance);
  r.p_value = std::clamp(2.0 * standard_normal_sf(z), 0.0, 1.0);
  return r;
}

}  // namespace threadlab
