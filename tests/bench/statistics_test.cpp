// tests/bench/statistics_test.cpp — summarize() on data whose statistics are known by hand.
#include <doctest/doctest.h>

#include <vector>

#include "bench/run/statistics.hpp"

using threadlab::summarize;

TEST_CASE("statistics: odd count gives the middle value and its MAD") {
  const std::vector<double> v{5, 1, 3, 9, 2};  // sorted 1 2 3 5 9; |x-3| = 2 1 0 2 6 → MAD 2
  const auto s = summarize(v);
  CHECK(s.count == 5);
  CHECK(s.median == doctest::Approx(3));
  CHECK(s.min == doctest::Approx(1));
  CHECK(s.max == doctest::Approx(9));
  CHECK(s.mad == doctest::Approx(2));
  CHECK(s.unstable);  // 2 / 3 > 10%
}

TEST_CASE("statistics: even count averages the two middle values") {
  const std::vector<double> v{100, 104, 98, 102};  // median 101; |x-101| = 1 3 3 1 → MAD 2
  const auto s = summarize(v);
  CHECK(s.median == doctest::Approx(101));
  CHECK(s.mad == doctest::Approx(2));
  CHECK_FALSE(s.unstable);  // 2 / 101 < 10%
}

TEST_CASE("statistics: a single sample has no spread") {
  const std::vector<double> v{42};
  const auto s = summarize(v);
  CHECK(s.count == 1);
  CHECK(s.median == doctest::Approx(42));
  CHECK(s.min == doctest::Approx(42));
  CHECK(s.max == doctest::Approx(42));
  CHECK(s.mad == doctest::Approx(0));
  CHECK_FALSE(s.unstable);
}

TEST_CASE("statistics: identical samples are stable") {
  const std::vector<double> v(7, 12.5);
  const auto s = summarize(v);
  CHECK(s.median == doctest::Approx(12.5));
  CHECK(s.mad == doctest::Approx(0));
  CHECK_FALSE(s.unstable);
}

TEST_CASE("statistics: one outlier moves neither median nor MAD much") {
  const std::vector<double> v{10, 10.5, 9.5, 10, 1000};
  const auto s = summarize(v);
  CHECK(s.median == doctest::Approx(10));
  CHECK(s.mad == doctest::Approx(0.5));
  CHECK(s.max == doctest::Approx(1000));
  CHECK_FALSE(s.unstable);
}

TEST_CASE("statistics: the unstable flag switches just above 10%") {
  CHECK_FALSE(summarize(std::vector<double>{90, 100, 110}).unstable);  // MAD 10 = 10%
  CHECK(summarize(std::vector<double>{89, 100, 111}).unstable);        // MAD 11 = 11%
  CHECK(summarize(std::vector<double>{0, 0, 1}).median == doctest::Approx(0));
  CHECK_FALSE(summarize(std::vector<double>{0, 0, 1}).unstable);  // MAD 0
  CHECK(summarize(std::vector<double>{-1, 0, 1}).unstable);       // median 0, MAD 1
}

TEST_CASE("statistics: no samples gives an empty summary") {
  const auto s = summarize(std::vector<double>{});
  CHECK(s.count == 0);
  CHECK_FALSE(s.unstable);
}

// Levels computed by hand: 1 - 2 * sum_{i<k} C(n, i) / 2^n.
TEST_CASE("statistics: order-statistic levels match the binomial by hand") {
  using threadlab::order_statistic_level;
  CHECK(order_statistic_level(1, 1) == doctest::Approx(0.0));
  CHECK(order_statistic_level(3, 1) == doctest::Approx(0.75));
  CHECK(order_statistic_level(5, 1) == doctest::Approx(0.9375));
  CHECK(order_statistic_level(10, 2) == doctest::Approx(1 - 2 * 11.0 / 1024));
  CHECK(order_statistic_level(10, 3) == doctest::Approx(1 - 2 * 56.0 / 1024));
  CHECK(order_statistic_level(20, 6) == doctest::Approx(0.958610534668));
  // Large n: no underflow, and the central interval of 1,000 values is still very likely.
  CHECK(order_statistic_level(1000, 470) > 0.9);
  CHECK(order_statistic_level(1000, 470) < 1.0);
}

TEST_CASE("statistics: five repetitions give [min, max] at 93.75%") {
  const std::vector<double> v{5, 1, 3, 9, 2};
  const auto s = summarize(v);
  CHECK(s.ci_low == doctest::Approx(1));
  CHECK(s.ci_high == doctest::Approx(9));
  CHECK(s.ci_level == doctest::Approx(0.9375));
}

TEST_CASE("statistics: ten repetitions drop one value at each end to stay above 95%") {
  // sorted 1..10: k = 2 reaches 97.85%, k = 3 only 89.06%, so the interval is [x(2), x(9)].
  const std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const auto ci = threadlab::median_confidence_interval(v);
  CHECK(ci.low == doctest::Approx(2));
  CHECK(ci.high == doctest::Approx(9));
  CHECK(ci.level == doctest::Approx(0.978515625));
  // A lower target allows the narrower [x(3), x(8)].
  const auto narrow = threadlab::median_confidence_interval(v, 0.85);
  CHECK(narrow.low == doctest::Approx(3));
  CHECK(narrow.high == doctest::Approx(8));
}

TEST_CASE("statistics: the interval always holds the median, and one value has level 0") {
  const std::vector<double> one{42};
  const auto s1 = summarize(one);
  CHECK(s1.ci_low == doctest::Approx(42));
  CHECK(s1.ci_high == doctest::Approx(42));
  CHECK(s1.ci_level == doctest::Approx(0));
  const std::vector<double> twenty{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4};
  const auto s = summarize(twenty);
  CHECK(s.ci_low <= s.median);
  CHECK(s.median <= s.ci_high);
  CHECK(s.ci_low == doctest::Approx(3));   // sorted: 1 1 2 2 3 [3] ... x(6) = 3
  CHECK(s.ci_high == doctest::Approx(7));  // x(15) = 7
  CHECK(s.ci_level == doctest::Approx(0.958610534668));
  const auto empty = summarize(std::vector<double>{});
  CHECK(empty.ci_level == doctest::Approx(0));
}

TEST_CASE("statistics: the interval of 200,000 values takes linear time, not quadratic") {
  // A Google Benchmark file of one benchmark's 200,000 repetitions (about 25 MB, under the
  // 64 MiB a results file may be) took minutes to read when each step of the interval's search
  // summed its binomial tail again from the start; under the ctest timeout now.
  std::vector<double> v(200'000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 977);
  const auto s = summarize(v);
  CHECK(s.ci_level >= 0.95);
  CHECK(s.ci_low <= s.median);
  CHECK(s.median <= s.ci_high);
}
