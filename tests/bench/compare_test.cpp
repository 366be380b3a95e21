// tests/bench/compare_test.cpp — compare_results on hand-made results: each verdict, each reason
// a record is `same`, records that do not match, the options, and the environment warnings.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bench/report/compare.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;

namespace {

// timed(workload, samples, workers) — an ok record of `workload` on "green" at size 1000 whose
// headline is ns_per_op with these samples (lower is better), then a rate.
record timed(std::string workload, const std::vector<double>& samples, unsigned workers = 2) {
  record r;
  r.workload = std::move(workload);
  r.model = "green";
  r.workers = workers;
  r.requested_size = 1000;
  r.size = 1000;
  r.metrics = {metric_summary{"ns_per_op", "ns", true, summarize(samples), samples}};
  return r;
}

// rate(workload, samples) — an ok record whose headline is a rate (higher is better).
record rate(std::string workload, const std::vector<double>& samples) {
  record r = timed(std::move(workload), samples);
  r.metrics = {metric_summary{"ops_per_s", "ops/s", false, summarize(samples), samples}};
  return r;
}

results run_of(std::vector<record> records) {
  results res;
  res.env.cpu_model = "Fake CPU";
  res.env.hostname = "box";
  res.env.logical_cores = 2;
  res.env.compiler = "GCC 12.2.0";
  res.env.cxx_flags = "-O2 -DNDEBUG";
  res.env.build_type = "Release";
  res.env.boost_version = "1.74.0";
  res.records = std::move(records);
  return res;
}

const std::vector<double> base{100, 101, 102, 103, 104};

// scaled(v, f) — every value of v times f.
std::vector<double> scaled(std::vector<double> v, double f) {
  for (double& x : v) x *= f;
  return v;
}

// only(a, b, options) — the one matched record of comparing a run of ra with a run of rb.
record_comparison only(const record& ra, const record& rb, const compare_options& options = {}) {
  const comparison c = compare_results(run_of({ra}), run_of({rb}), options);
  REQUIRE(c.matched.size() == 1);
  return c.matched.front();
}

}  // namespace

TEST_CASE("compare: clearly separated samples and a change beyond the threshold are a verdict") {
  const comparison slower =
      compare_results(run_of({timed("w", base)}), run_of({timed("w", scaled(base, 1.25))}));
  REQUIRE(slower.matched.size() == 1);
  const record_comparison& s = slower.matched.front();
  CHECK(s.outcome == verdict::slower);
  CHECK(s.ratio == doctest::Approx(1.25));
  REQUIRE(s.p_value.has_value());
  CHECK(*s.p_value == doctest::Approx(2.0 / 252));
  CHECK_FALSE(s.too_few);
  CHECK(slower.regressions == 1);
  CHECK(contains(slower.text, "slower"));
  CHECK(contains(slower.text, "1.250"));
  CHECK(contains(slower.text, "0.0079"));
  CHECK(contains(slower.text, "1 significant regression"));

  const record_comparison f = only(timed("w", base), timed("w", scaled(base, 0.8)));
  CHECK(f.outcome == verdict::faster);
  const comparison faster =
      compare_results(run_of({timed("w", base)}), run_of({timed("w", scaled(base, 0.8))}));
  CHECK(faster.regressions == 0);
  CHECK(contains(faster.text, "no significant regression"));
}

TEST_CASE("compare: for a higher-is-better metric lower is slower") {
  CHECK(only(rate("w", base), rate("w", scaled(base, 0.8))).outcome == verdict::slower);
  CHECK(only(rate("w", base), rate("w", scaled(base, 1.25))).outcome == verdict::faster);
}

TEST_CASE("compare: a large change within the noise is the same") {
  // Medians 150 and 170 (+13%), but the repetitions overlap throughout.
  const record_comparison c =
      only(timed("w", {100, 200, 150, 110, 190}), timed("w", {120, 230, 170, 105, 210}));
  CHECK(c.ratio == doctest::Approx(170.0 / 150));
  REQUIRE(c.p_value.has_value());
  CHECK(*c.p_value > 0.05);
  CHECK_FALSE(c.too_few);
  CHECK(c.outcome == verdict::same);
}

TEST_CASE("compare: a significant change within the threshold is the same") {
  // Every B above every A (p = 0.0079), but only 5% higher.
  const record_comparison c = only(timed("w", base), timed("w", scaled(base, 1.05)));
  CHECK(*c.p_value < 0.05);
  CHECK(c.outcome == verdict::same);
  // With --threshold 0 the same change is a verdict.
  const record_comparison strict =
      only(timed("w", base), timed("w", scaled(base, 1.05)), compare_options{0.0, 0.05});
  CHECK(strict.outcome == verdict::slower);
}

TEST_CASE("compare: too few repetitions can never be significant and the text says so") {
  const std::vector<double> three{100, 101, 102};
  const comparison c =
      compare_results(run_of({timed("w", three)}), run_of({timed("w", scaled(three, 2))}));
  REQUIRE(c.matched.size() == 1);
  CHECK(c.matched.front().too_few);  // 3 and 3: p >= 0.1
  CHECK(c.matched.front().outcome == verdict::same);
  CHECK(c.regressions == 0);
  CHECK(contains(c.text, "too few repetitions: 3 and 3 cannot give p < 0.05"));
  CHECK(contains(c.text, "4 each can"));
  // A stricter alpha needs more: 5 and 5 reach 0.0079 at best, not below 0.001.
  const record_comparison strict =
      only(timed("w", base), timed("w", scaled(base, 2)), compare_options{0.10, 0.001});
  CHECK(strict.too_few);
  CHECK(strict.outcome == verdict::same);
}

TEST_CASE("compare: records in one run only or at another point or not ok are listed") {
  record failed = timed("broken", base);
  failed.status = record_status::error;
  failed.reason = "hung";
  const results a = run_of(
      {timed("both", base), timed("gone", base), timed("moved", base, 2), timed("broken", base)});
  const results b =
      run_of({timed("both", base), timed("new", base), timed("moved", base, 4), failed});
  const comparison c = compare_results(a, b);
  REQUIRE(c.matched.size() == 1);
  CHECK(c.matched.front().workload == "both");
  CHECK(contains(c.text, "new/green (workers 2, size 1000): only in B"));
  CHECK(contains(c.text, "moved/green (workers 4, size 1000): only in B"));
  CHECK(contains(c.text, "moved/green (workers 2, size 1000): only in A"));
  CHECK(contains(c.text, "gone/green (workers 2, size 1000): only in A"));
  CHECK(contains(c.text, "broken/green (workers 2, size 1000): not comparable (A ok, B error)"));
  // A different headline metric is no match either.
  const comparison m = compare_results(run_of({timed("w", base)}), run_of({rate("w", base)}));
  CHECK(m.matched.empty());
  CHECK(contains(m.text, "headline metric differs"));
}

TEST_CASE("compare: the environments' differences: one line per kind with unknown fields ignored") {
  const results a = run_of({});
  CHECK(environment_differences(a.env, a.env).empty());
  environment b = a.env;
  b.hostname = "other";
  b.logical_cores = 64;
  std::vector<std::string> lines = environment_differences(a.env, b);
  REQUIRE(lines.size() == 1);
  CHECK(contains(lines[0], "different machines"));
  CHECK(contains(lines[0], "hostname 'box' vs 'other'"));
  CHECK(contains(lines[0], "logical_cores '2' vs '64'"));
  b.compiler = "Clang 16.0.0";
  b.boost_version = "1.83.0";
  lines = environment_differences(a.env, b);
  REQUIRE(lines.size() == 3);
  CHECK(contains(lines[1], "compiler 'GCC 12.2.0' vs 'Clang 16.0.0'"));
  CHECK(contains(lines[2], "boost_version '1.74.0' vs '1.83.0'"));
  // Google Benchmark JSON knows neither compiler nor Boost, and spells the build type in lower
  // case: no warning for what one side does not know.
  environment gbench = a.env;
  gbench.cpu_model = gbench.compiler = gbench.cxx_flags = gbench.boost_version = "unknown";
  gbench.build_type = "release";
  CHECK(environment_differences(a.env, gbench).empty());
}
