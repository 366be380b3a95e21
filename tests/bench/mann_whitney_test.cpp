// tests/bench/mann_whitney_test.cpp — the Mann–Whitney U test on samples whose p-values are
// known by hand: the exact distribution's extremes, a small middle case counted out, and a
// case with ties worked through the normal approximation.
#include <doctest/doctest.h>

#include <vector>

#include "bench/run/mann_whitney.hpp"

using namespace threadlab;

TEST_CASE("mann_whitney: fully separated samples of 5 and 5 give the exact p = 2/252") {
  // C(10, 5) = 252 equally likely orderings; "every x below every y" is one of them, and so is
  // its mirror: two-sided p = 2/252 = 0.0079.
  const std::vector<double> low{1.0, 2.0, 3.0, 4.0, 5.0};
  const std::vector<double> high{6.0, 7.0, 8.0, 9.0, 10.0};
  const mann_whitney_result r = mann_whitney_u(low, high);
  CHECK(r.exact);
  CHECK(r.u == doctest::Approx(0));
  CHECK(r.p_value == doctest::Approx(2.0 / 252));
  const mann_whitney_result mirror = mann_whitney_u(high, low);
  CHECK(mirror.u == doctest::Approx(25));
  CHECK(mirror.p_value == doctest::Approx(2.0 / 252));
  // The order of the values within a sample does not matter.
  const std::vector<double> shuffled{4.0, 1.0, 5.0, 3.0, 2.0};
  CHECK(mann_whitney_u(shuffled, high).p_value == doctest::Approx(2.0 / 252));
}

TEST_CASE("mann_whitney: identical samples give p = 1") {
  const std::vector<double> v{3.0, 1.0, 2.0, 5.0};
  const mann_whitney_result r = mann_whitney_u(v, v);
  CHECK(r.u == doctest::Approx(8));  // the mean, n1·n2/2: every value ties once
  CHECK(r.p_value == doctest::Approx(1));
  const std::vector<double> flat{7.0, 7.0, 7.0};  // all equal: no variance at all
  CHECK(mann_whitney_u(flat, flat).p_value == doctest::Approx(1));
}

TEST_CASE("mann_whitney: 3 against 4 with U = 2 counted by hand") {
  // x = {1, 2, 5}, y = {3, 4, 6, 7}: x > y for (5, 3) and (5, 4), so U = 2. Of the C(7, 3) = 35
  // orderings, those with U <= 2 are the ways to write 0, 1 or 2 as a sum of at most 3 parts of
  // at most 4 (each x's count of y's below it): 0; 1; 2 and 1+1 — 4 of them. P(U <= 2) = 4/35,
  // and two-sided p = 8/35 = 0.2286.
  const std::vector<double> x{1.0, 2.0, 5.0};
  const std::vector<double> y{3.0, 4.0, 6.0, 7.0};
  const mann_whitney_result r = mann_whitney_u(x, y);
  CHECK(r.exact);
  CHECK(r.u == doctest::Approx(2));
  CHECK(r.p_value == doctest::Approx(8.0 / 35));
  CHECK(exact_u_cdf(3, 4, 2) == doctest::Approx(4.0 / 35));
}

TEST_CASE("mann_whitney: ties use the normal approximation with tie and continuity correction") {
  // x = {1, 2, 3, 4, 4}, y = {4, 5, 6, 7, 8}. Pooled and sorted: 1 2 3 4 4 4 5 6 7 8; the three
  // 4s share ranks 4, 5, 6, so each gets 5. Rank sum of x = 1 + 2 + 3 + 5 + 5 = 16, and
  // U = 16 - 5·6/2 = 1 (no x above a y; two x = 4 tie with the y = 4, half a pair each).
  // Mean n1·n2/2 = 12.5. One tie group of t = 3: Σ(t³ - t) = 24; N = 10, so the variance is
  // 25/12 · (11 - 24/90) = 22.3611, sd 4.72875. z = (|1 - 12.5| - 0.5) / 4.72875 = 2.32619,
  // and p = 2 · (1 - Φ(2.32619)) = 0.02001.
  const std::vector<double> x{1.0, 2.0, 3.0, 4.0, 4.0};
  const std::vector<double> y{4.0, 5.0, 6.0, 7.0, 8.0};
  const mann_whitney_result r = mann_whitney_u(x, y);
  CHECK_FALSE(r.exact);
  CHECK(r.u == doctest::Approx(1));
  CHECK(r.p_value == doctest::Approx(0.02001).epsilon(0.001));
}

TEST_CASE("mann_whitney: past exact_limit the normal approximation is used") {
  std::vector<double> low;
  std::vector<double> high;
  for (int i = 0; i < 25; ++i) {
    low.push_back(i);
    high.push_back(100 + i);
  }
  const mann_whitney_result r = mann_whitney_u(low, high);
  CHECK_FALSE(r.exact);
  CHECK(r.u == doctest::Approx(0));
  CHECK(r.p_value < 1e-6);
  // At exact_limit the exact distribution is still used: 20 and 20 with U = 125 gives
  // 2 · P(U <= 125) = 0.04298 (the normal approximation would say 0.04388).
  CHECK(2 * exact_u_cdf(20, 20, 125) == doctest::Approx(0.04298).epsilon(0.001));
}

TEST_CASE("mann_whitney: an empty sample is no evidence: p = 1") {
  const std::vector<double> some{1.0, 2.0};
  const std::vector<double> none;
  CHECK(mann_whitney_u(some, none).p_value == doctest::Approx(1));
  CHECK(mann_whitney_u(none, some).p_value == doctest::Approx(1));
}

TEST_CASE("mann_whitney: the exact distribution's bounds and the smallest reachable p") {
  CHECK(exact_u_cdf(2, 2, -1) == doctest::Approx(0));
  CHECK(exact_u_cdf(2, 2, 0) == doctest::Approx(1.0 / 6));  // C(4, 2) = 6 orderings
  CHECK(exact_u_cdf(2, 2, 4) == doctest::Approx(1));
  CHECK(exact_u_cdf(5, 5, 12) == doctest::Approx(0.5));  // U is symmetric about 12.5
  CHECK(min_two_sided_p(2, 2) == doctest::Approx(1.0 / 3));
  CHECK(min_two_sided_p(3, 3) == doctest::Approx(0.1));
  CHECK(min_two_sided_p(4, 4) == doctest::Approx(2.0 / 70));
  CHECK(min_two_sided_p(5, 5) == doctest::Approx(2.0 / 252));
  CHECK(min_two_sided_p(1, 1) == doctest::Approx(1));  // 2/2, not above 1
  CHECK(min_two_sided_p(0, 5) == doctest::Approx(1));
}
