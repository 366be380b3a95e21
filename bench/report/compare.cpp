// bench/report/compare.cpp — comparing two result files: matching records, the U test on their
// samples, the verdicts, and the differences between the two environments.
#include "bench/report/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "bench/report/detail.hpp"
#include "bench/report/units.hpp"
#include "bench/run/mann_whitney.hpp"

namespace threadlab {

namespace {

// same_point(x, y) — x and y are the same measurement: workload, model and point.
bool same_point(const record& x, const record& y) {
  return x.workload == y.workload && x.model == y.model && x.workers == y.workers &&
         x.requested_size == y.requested_size;
}

const record* find_record(const results& res, const record& like) {
  for (const record& r : res.records) {
    if (same_point(r, like)) return &r;
  }
  return nullptr;
}

// label(r) — "workload/model (workers W, size N)", the parts r has.
std::string label(const record& r) {
  std::string text = r.model.empty() ? r.workload : r.workload + "/" + r.model;
  if (r.workers != 0) {
    text += fmt::format(" (workers {}, size {})", r.workers,
                        r.requested_size ? std::to_string(*r.requested_size) : "default");
  }
  return text;
}

// repetitions_needed(alpha) — the fewest repetitions per run, the same in both, that let the
// test reach p < alpha.
std::size_t repetitions_needed(double alpha) {
  std::size_t n = 1;
  while (min_two_sided_p(n, n) >= alpha && n < 1000) ++n;
  return n;
}

// judge(ma, mb, options) — the comparison of A's headline ma with B's mb; precondition: same
// name and unit, ma's median not 0.
record_comparison judge(const metric_summary& ma, const metric_summary& mb,
                        const compare_options& options) {
  record_comparison c;
  c.metric = mb.name;
  c.unit = mb.unit;
  c.lower_is_better = mb.lower_is_better;
  c.median_a = ma.stats.median;
  c.median_b = mb.stats.median;
  c.ratio = c.median_b / c.median_a;
  c.samples_a = ma.samples.size();
  c.samples_b = mb.samples.size();
  if (c.samples_a == 0 || c.samples_b == 0) return c;  // no test: same
  c.p_value = mann_whitney_u(ma.samples, mb.samples).p_value;
  c.too_few = min_two_sided_p(c.samples_a, c.samples_b) >= options.alpha;
  // worse — how much worse B is than A, as a fraction (negative when better).
  const double worse = mb.lower_is_better ? c.ratio - 1 : 1 - c.ratio;
  if (c.too_few || *c.p_value >= options.alpha) return c;
  if (worse > options.threshold) c.outcome = verdict::slower;
  if (-worse > options.threshold) c.outcome = verdict::faster;
  return c;
}

std::string format_p(const std::optional<double>& p) {
  if (!p) return "-";
  if (*p < 0.0001) return "<0.0001";
  return fmt::format("{:.4f}", *p);
}

// known(text) — a field that was found ("unknown", "unavailable" and empty were not).
bool known(const std::string& text) {
  return !text.empty() && text != "unknown" && text != unavailable;
}

bool equal_ignoring_case(const std::string& x, const std::string& y) {
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](char p, char q) {
    return std::tolower(static_cast<unsigned char>(p)) ==
           std::tolower(static_cast<unsigned char>(q));
  });
}

// note_difference(list, field, x, y) — appends "field 'x' vs 'y'" when both are known and
// differ (build types ignoring case: Google Benchmark writes "release" for our "Release").
void note_difference(std::string& list, std::string_view field, const std::string& x,
                     const std::string& y) {
  if (!known(x) || !known(y) || equal_ignoring_case(x, y)) return;
  if (!list.empty()) list += ", ";
  list += fmt::format("{} '{}' vs '{}'", field, x, y);
}

}  // namespace

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::faster:
      return "faster";
    case verdict::slower:
      return "slower";
    case verdict::same:
      return "same";
  }
  return "same";
}

comparison compare_results(const results& a, const results& b, const compare_options& options) {
  comparison out;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
  for (const record& rb : b.records) {
    const record* ra = find_record(a, rb);
    if (ra == nullptr) {
      out.unmatched.push_back(label(rb) + ": only in B");
      continue;
    }
    if (ra->status != record_status::ok || rb.status != record_status::ok || ra->metrics.empty() ||
        rb.metrics.empty()) {
      out.unmatched.push_back(fmt::format("{}: not comparable (A {}, B {})", label(rb),
                                          to_string(ra->status), to_string(rb.status)));
      continue;
    }
    const metric_summary& ma = ra->metrics.front();
    const metric_summary& mb = rb.metrics.front();
    if (ma.name != mb.name || ma.unit != mb.unit) {
      out.unmatched.push_back(fmt::format("{}: headline metric differs (A {} in {}, B {} in {})",
                                          label(rb), ma.name, ma.unit, mb.name, mb.unit));
      continue;
    }
    if (ma.stats.median == 0) {
      out.unmatched.push_back(fmt::format("{}: {} is 0 in A, no ratio", label(rb), ma.name));
      continue;
    }
    record_comparison c = judge(ma, mb, options);
    c.workload = rb.workload;
    c.model = rb.model;
    c.workers = rb.workers;
    c.requested_size = rb.requested_size;
    if (c.outcome == verdict::slower) ++out.regressions;
    if (!c.p_value) {
      notes.push_back(label(rb) + ": no samples (aggregates only), so no test");
    } else if (c.too_few) {
      notes.push_back(fmt::format(
          "{}: too few repetitions: {} and {} cannot give p < {:g} (the smallest possible p is "
          "{:.3f}); {} each can",
          label(rb), c.samples_a, c.samples_b, options.alpha,
          min_two_sided_p(c.samples_a, c.samples_b), repetitions_needed(options.alpha)));
    }
    rows.push_back({c.workload, c.model.empty() ? "-" : c.model,
                    c.workers == 0 ? "-" : std::to_string(c.workers),
                    c.workers == 0     ? "-"
                    : c.requested_size ? std::to_string(*c.requested_size)
                                       : "default",
                    c.metric, format_quantity(c.median_a, c.unit),
                    format_quantity(c.median_b, c.unit), fmt::format("{:.3f}", c.ratio),
                    format_p(c.p_value), std::string(to_string(c.outcome))});
    out.matched.push_back(std::move(c));
  }
  for (const record& ra : a.records) {
    if (find_record(b, ra) == nullptr) out.unmatched.push_back(label(ra) + ": only in A");
  }

  out.text = aligned_rows({"workload", "model", "workers", "size", "metric", "A median", "B median",
                           "B/A", "p", "verdict"},
                          rows, /*label_columns=*/5, /*rule=*/false);
  for (const std::string& n : notes) out.text += "  " + n + "\n";
  for (const std::string& u : out.unmatched) out.text += "  " + u + "\n";
  std::size_t counts[3] = {0, 0, 0};  // indexed by verdict
  for (const record_comparison& c : out.matched) ++counts[static_cast<int>(c.outcome)];
  out.text += fmt::format(
      "\n{} slower, {} faster, {} same: a verdict needs p < {:g} (Mann-Whitney U, two-sided) "
      "and a change of more than {:g}%\n",
      counts[static_cast<int>(verdict::slower)], counts[static_cast<int>(verdict::faster)],
      counts[static_cast<int>(verdict::same)], options.alpha, options.threshold * 100);
  out.text += out.regressions == 0 ? std::string("no significant regression\n")
                                   : fmt::format("{} significant regression{}\n", out.regressions,
                                                 out.regressions == 1 ? "" : "s");
  return out;
}

std::vector<std::string> environment_differences(const environment& a, const environment& b) {
  std::vector<std::string> lines;
  std::string machine;
  note_difference(machine, "cpu_model", a.cpu_model, b.cpu_model);
  note_difference(machine, "hostname", a.hostname, b.hostname);
  if (a.logical_cores != 0 && b.logical_cores != 0 && a.logical_cores != b.logical_cores) {
    note_difference(machine, "logical_cores", std::to_string(a.logical_cores),
                    std::to_string(b.logical_cores));
  }
  if (!machine.empty()) lines.push_back("A and B come from different machines: " + machine);
  std::string compiler;
  note_difference(compiler, "compiler", a.compiler, b.compiler);
  note_difference(compiler, "cxx_flags", a.cxx_flags, b.cxx_flags);
  note_difference(compiler, "build_type", a.build_type, b.build_type);
  if (!compiler.empty()) lines.push_back("A and B were built differently: " + compiler);
  std::string boost;
  note_difference(boost, "boost_version", a.boost_version, b.boost_version);
  if (!boost.empty()) lines.push_back("A and B use different Boost versions: " + boost);
  return lines;
}

}  // namespace threadlab
