// tests/bench/html_test.cpp — the HTML report (bench/report/html.hpp) over hand-made results: a
// chart per workload, sweeps drawn as curves, every problem listed with its reason, every text
// escaped, and nothing that runs or is fetched.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "bench/report/html.hpp"
#include "bench/report/report.hpp"
#include "results_support.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;
using threadlab::testing::measured;
using threadlab::testing::not_measured;

namespace {

// one_point() — three workloads on three models at one point, a skip, an error, a scaled
// record and a baseline.
results one_point() {
  results res;
  res.env = testing::environment_of_tests();
  res.params.repetitions = 3;
  res.params.workers = 2;
  for (const char* model : {"kernel", "green", "hybrid"}) {
    res.records.push_back(measured("spawn_join", model, model[0] == 'k' ? 20'000 : 300));
  }
  res.records.push_back(measured("pingpong", "kernel", 6000));
  res.records.push_back(not_measured("pingpong", "green", record_status::skipped,
                                     "model green lacks multicore: one kernel thread"));
  res.records.push_back(not_measured("pingpong", "hybrid", record_status::error,
                                     "hung: did not finish repetition 2 within 60 s"));
  record scaled = measured("memory", "kernel", 8192);
  scaled.scaled = true;
  scaled.note = "scaled to 1,000 threads: thread_limit";
  res.records.push_back(scaled);
  res.records.push_back(measured("memory", "hybrid", 4096));
  res.records.push_back(measured("context_switch", std::string(baseline_model), 6));
  return res;
}

// sweep(workers, sizes) — yield and memory on two models at every point of the sweep.
results sweep(const std::vector<unsigned>& workers,
              const std::vector<std::optional<std::uint64_t>>& sizes) {
  results res;
  res.env = testing::environment_of_tests();
  res.params.workers = workers.front();
  if (workers.size() > 1) res.params.workers_sweep = workers;
  for (const auto& size : sizes) {
    if (sizes.size() > 1) res.params.size_sweep.push_back(*size);
  }
  for (const unsigned w : workers) {
    for (const auto& size : sizes) {
      for (const char* model : {"green", "hybrid"}) {
        res.records.push_back(measured("yield", model, 100.0 * w, w, size));
        res.records.push_back(measured("memory", model, 4096, w, size));
      }
    }
  }
  return res;
}

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// count(text, part) — how often part occurs in text.
std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report html: one page, a chart per workload, nothing that runs or is fetched") {
  const results res = one_point();
  const std::string page = render_html(res);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.ends_with("</html>\n"));
  CHECK(render(report_format::html, res) == page);
  CHECK(parse_report_format("html") == report_format::html);
  for (const char* workload : {"spawn_join", "pingpong", "memory"}) {
    CAPTURE(workload);
    CHECK(contains(page, std::string("id=\"chart-") + workload + "\""));
  }
  CHECK_FALSE(contains(page, "chart-context_switch"));  // a baseline is a reference value
  const std::string lower = lowered(page);
  CHECK_FALSE(contains(lower, "<script"));
  CHECK_FALSE(contains(lower, "http://"));
  CHECK_FALSE(contains(lower, "https://"));
  CHECK_FALSE(contains(lower, "url("));
  CHECK_FALSE(contains(lower, "@import"));
  CHECK(contains(page, "Content-Security-Policy"));
}

TEST_CASE("report html: figures carry the text table's marks and the median's interval") {
  const std::string page = render_html(one_point());
  CHECK(contains(page, "300 ns*"));   // the best of spawn_join's row (green and hybrid tie)
  CHECK(contains(page, "8.19 µs^"));  // memory on kernel was scaled
  CHECK(contains(page, "class=\"whisker\""));
  CHECK(contains(page, "confidence interval of the median"));  // the tooltip
  CHECK(contains(page, "Log scale."));                         // spawn_join: 20 µs against 300 ns
}

TEST_CASE("report html: errors, skips and scaled results are listed with their reasons") {
  const std::string page = render_html(one_point());
  CHECK(contains(page, "pingpong on green: model green lacks multicore: one kernel thread"));
  CHECK(contains(page, "pingpong on hybrid: hung: did not finish repetition 2 within 60 s"));
  CHECK(contains(page, "memory on kernel: scaled to 1,000 threads: thread_limit"));
  CHECK(contains(page, ">skipped</text>"));  // in the chart, where the bar would be
  CHECK(contains(page, ">error</text>"));
  CHECK(contains(page, "context_switch"));  // the baseline's table
  CHECK(contains(page, "id=\"baselines\""));
}

TEST_CASE("report html: a model has one colour in every chart, from the Okabe-Ito palette") {
  const std::string page = render_html(one_point());
  // The catalogue's models keep their place in the palette whichever ran: kernel first,
  // green third, hybrid fifth.
  CHECK(contains(page, "background:#0072B2\"></span>kernel"));
  CHECK(contains(page, "background:#009E73\"></span>green"));
  CHECK(contains(page, "background:#CC79A7\"></span>hybrid"));
  // Every hybrid bar (spawn_join, memory) is drawn in hybrid's colour, and no other bar is.
  CHECK(count(page, "fill=\"#CC79A7\"") == 2);
  CHECK(count(page, "fill=\"#009E73\"") == 1);  // green measured only spawn_join

  // A model from outside the catalogue takes the first colour no model of the page holds.
  results res = one_point();
  for (record& r : res.records) {
    if (r.model == "green") r.model = "mine";
  }
  const std::string other = render_html(res);
  CHECK(contains(other, "background:#E69F00\"></span>mine"));
  CHECK(contains(other, "background:#CC79A7\"></span>hybrid"));
}

TEST_CASE("report html: every text from the results is escaped") {
  results res = one_point();
  const std::string evil = "<script>alert(\"x\")</script>&'";
  res.records[0].workload = evil;
  res.records[1].model = "m<b>";
  res.records[4].reason = "<img src=x onerror=alert(1)> \x01";
  res.records[0].configuration = "\"quoted\" </style>";
  res.env.cpu_model = "</title><h1>cpu";
  const std::string page = render_html(res);
  CHECK_FALSE(contains(lowered(page), "<script"));
  CHECK_FALSE(contains(page, "<img"));
  CHECK_FALSE(contains(page, "m<b>"));
  CHECK(count(page, "</style>") == 1);  // the stylesheet's own
  CHECK_FALSE(contains(page, "</title><h1>"));
  CHECK_FALSE(contains(page, "\x01"));
  CHECK(contains(page, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
  CHECK(contains(page, "&lt;img src=x onerror=alert(1)&gt;"));
  CHECK(contains(page, "m&lt;b&gt;"));
  // Ids keep only letters, digits, '-' and '_'.
  CHECK(contains(page, "id=\"chart-_script_alert__x____script___\""));
  CHECK(html_id("chart", "a b/c") == "chart-a_b_c");
}

TEST_CASE("report html: a workers sweep draws a curve per model against workers") {
  const std::string page = render_html(sweep({1, 2, 4}, {std::nullopt}));
  CHECK(contains(page, "id=\"scaling-yield\""));
  CHECK(contains(page, "id=\"scaling-memory\""));
  CHECK_FALSE(contains(page, "id=\"size-yield\""));
  CHECK(count(page, "<path class=\"series\"") == 4);  // two models, two workloads
  CHECK(contains(page, ">workers 4</text>"));         // the headline's groups
  CHECK(contains(page, ">workers</text>"));           // the x axis
}

TEST_CASE("report html: a size sweep draws curves against size; both sweeps draw both") {
  std::string page = render_html(sweep({2}, {1000, 100000}));
  CHECK(contains(page, "id=\"size-memory\""));
  CHECK(contains(page, "id=\"size-yield\""));
  CHECK_FALSE(contains(page, "id=\"scaling-"));
  CHECK(contains(page, ">100,000</text>"));   // an x tick
  CHECK(contains(page, "size (log scale)"));  // 1,000 to 100,000 spans two decades

  page = render_html(sweep({1, 2}, {1000, 4000}));
  CHECK(contains(page, "id=\"scaling-yield-size-1000\""));
  CHECK(contains(page, "id=\"scaling-yield-size-4000\""));
  CHECK(contains(page, "id=\"size-memory-workers-1\""));
  CHECK(contains(page, "id=\"size-memory-workers-2\""));
  CHECK(contains(page, ">workers 2 · size 4,000</text>"));
}

TEST_CASE("report html: lifecycle and states appear only when the run measured them") {
  results res = one_point();
  std::string page = render_html(res);
  CHECK_FALSE(contains(page, "id=\"lifecycle\""));
  CHECK_FALSE(contains(page, "id=\"states\""));
  res.records[0] = testing::with_states(testing::with_lifecycle(res.records[0]));
  res.records[1] = testing::with_lifecycle(res.records[1]);
  page = render_html(res);
  CHECK(contains(page, "id=\"lifecycle-create\""));
  CHECK(contains(page, "id=\"lifecycle-start_latency\""));
  CHECK(contains(page, "id=\"lifecycle-exit_to_join\""));
  CHECK(contains(page, "id=\"lifecycle-clock\""));
  CHECK(contains(page, "100 ns · 1.00 µs · 10.0 µs"));  // p50 · p99 · max
  CHECK(contains(page, "id=\"states-spawn_join\""));
  CHECK(contains(page, "1234 sw · 2.50 µs"));
  CHECK(contains(page, "kernel: every transition observed"));
}

TEST_CASE("report html: results with nothing measured still make a page") {
  results res;
  res.env = testing::environment_of_tests();
  res.records.push_back(not_measured("ring", "green", record_status::error, "crashed"));
  const std::string page = render_html(res);
  CHECK(contains(page, "id=\"chart-ring\""));
  CHECK(contains(page, "nothing measured"));
  CHECK(contains(page, "ring on green: crashed"));
  CHECK(contains(render_html(results{}), "</html>"));
}
