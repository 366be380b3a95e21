// bench/run/mann_whitney.hpp — the Mann–Whitney U test: do two sets of repetitions come from the
// same distribution, or does one tend to be larger? `threadlab compare` runs it on each record's
// samples, as Google Benchmark's tools/compare.py does, so that a change of the median within
// what repetitions disagree by is not called a change.
//
// The test (Mann & Whitney 1947; see e.g. Conover, "Practical Nonparametric Statistics", §5.1)
// needs no assumption about the shape of the distribution, only that the values of each sample
// are independent: U counts, over every pair (x from the first sample, y from the second), the
// pairs with x > y, and half of those with x == y. Under the null hypothesis (both samples drawn
// from one distribution) every assignment of the n1 + n2 ranks to the two samples is equally
// likely, so U's distribution depends only on n1 and n2.
//
// The p-value is two-sided: the probability, under the null hypothesis, of a U at least as far
// from its mean n1·n2/2 as the one observed, in either direction. How it is found:
//   1. Without ties and with at most exact_limit values in each sample: exactly, by counting the
//      assignments of ranks that give each U (a dynamic programme over the counts, below), and
//      p = min(1, 2 · min(P(U <= u), P(U >= u))).
//   2. Otherwise: the normal approximation, with the variance corrected for ties and a
//      continuity correction of 1/2 — the same choices as scipy.stats.mannwhitneyu, which
//      compare.py calls.
//
// The exact distribution limits what a few repetitions can show: the most extreme arrangement
// (every value of one sample below every value of the other) has probability 1 / C(n1+n2, n1)
// in each direction, so no p-value can be below min_two_sided_p(n1, n2) = 2 / C(n1+n2, n1):
// 0.33 for 2 and 2 repetitions, 0.10 for 3 and 3, 0.029 for 4 and 4, 0.0079 for 5 and 5.
#pragma once

#include <cstddef>
#include <span>

namespace threadlab {

// exact_limit — the largest sample for which the exact distribution is used (both samples at
// most this size, and no ties). The dynamic programme then holds at most 20·20 + 1 counts per
// step, and the total, C(40, 20) ≈ 1.4e11, is exact in a double. 20 is where textbook tables of
// the exact distribution stop (Conover, Table A7); there the normal approximation's two-sided p
// differs from the exact one by about 0.001 near 0.05, too little to change a decision.
inline constexpr std::size_t exact_limit = 20;

// mann_whitney_result — the test's outcome for samples x and y.
struct mann_whitney_result {
  // u — U of x: the pairs (x_i, y_j) with x_i > y_j, plus half the pairs with x_i == y_j. It runs
  // from 0 (every x below every y) to n1·n2 (every x above every y); its mean under the null
  // hypothesis is n1·n2/2.
  double u = 0;
  double p_value = 1;  // two-sided, in [0, 1]; 1 when either sample is empty
  bool exact = false;  // p_value comes from the exact distribution (see the file comment)
};

// mann_whitney_u(x, y) — the two-sided Mann–Whitney U test of x against y (see the file
// comment). Either sample empty: {0, 1, false} — no evidence of anything. Values must be
// finite (precondition, asserted).
mann_whitney_result mann_whitney_u(std::span<const double> x, std::span<const double> y);

// exact_u_cdf(n1, n2, u) — P(U <= u) under the null hypothesis, for samples of n1 and n2
// values without ties; u may be any integer (below 0 gives 0, at least n1·n2 gives 1).
// Precondition: n1, n2 <= exact_limit.
double exact_u_cdf(std::size_t n1, std::size_t n2, long u);

// min_two_sided_p(n1, n2) — the smallest two-sided p-value the exact test can give for samples
// of n1 and n2 values: min(1, 2 / C(n1+n2, n1)); 1 when either is 0. When it is not below the
// significance level, no outcome of the repetitions can be significant: run more of them.
double min_two_sided_p(std::size_t n1, std::size_t n2);

}  // namespace threadlab
