// bench/report/compare.cpp — comparing two result files.
#include "bench/report/compare.hpp"

#include <fmt/format.h>

#include "bench/report/detail.hpp"
#include "bench/report/units.hpp"

namespace threadlab {

namespace {

const record* find_record(const results& res, const record& like) {
  for (const record& r : res.records) {
    if (r.workload == like.workload && r.model == like.model) return &r;
  }
  return nullptr;
}

}  // namespace

comparison compare_results(const results& a, const results& b) {
  comparison out;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> unmatched;
  for (const record& rb : b.records) {
    const record* ra = find_record(a, rb);
    const std::string pair = rb.workload + "/" + rb.model;
    if (ra == nullptr) {
      unmatched.push_back(pair + ": only in B");
      continue;
    }
    if (ra->status != record_status::ok || rb.status != record_status::ok || ra->metrics.empty() ||
        rb.metrics.empty()) {
      unmatched.push_back(fmt::format("{}: not comparable (A {}, B {})", pair,
                                      to_string(ra->status), to_string(rb.status)));
      continue;
    }
    const metric_summary& ma = ra->metrics.front();
    const metric_summary& mb = rb.metrics.front();
    if (ma.name != mb.name || ma.unit != mb.unit || ma.stats.median == 0) {
      unmatched.push_back(pair + ": headline metric differs or is zero in A");
      continue;
    }
    const double ratio = mb.stats.median / ma.stats.median;
    const double worse = mb.lower_is_better ? ratio - 1 : 1 - ratio;
    const bool regression = worse > regression_threshold;
    if (regression) ++out.regressions;
    rows.push_back({pair, mb.name, format_quantity(ma.stats.median, ma.unit),
                    format_quantity(mb.stats.median, mb.unit), fmt::format("{:.3f}", ratio),
                    regression ? "REGRESSION" : (-worse > regression_threshold ? "improved" : "")});
  }
  for (const record& ra : a.records) {
    if (find_record(b, ra) == nullptr)
      unmatched.push_back(ra.workload + "/" + ra.model + ": only in A");
  }
  out.text = aligned_rows({"pair", "metric", "A median", "B median", "B/A", ""}, rows,
                          /*label_columns=*/6, /*rule=*/false);
  for (const std::string& u : unmatched) out.text += "  " + u + "\n";
  out.text += fmt::format("\n{} regression{} (worse by more than {:.0f}%)\n", out.regressions,
                          out.regressions == 1 ? "" : "s", regression_threshold * 100);
  return out;
}

}  // namespace threadlab
