// tests/bench/statistics_test.cpp — summarize() on data whose statistics are known by hand.
#include <doctest/doctest.h>

#include <vector>

#include "bench/statistics.hpp"

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
