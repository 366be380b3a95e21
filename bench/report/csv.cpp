// bench/report/csv.cpp — results as CSV.
#include "bench/report/csv.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace threadlab {

namespace {

// field(text) — text as a CSV field: quoted, with quotes doubled, when it holds a comma, a
// quote or a line break.
std::string field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_csv(const results& res) {
  std::string out =
      "workload,model,status,reason,workers,requested_size,size,scaled,metric,unit,lower_is_better,"
      "median,min,max,mad,"
      "count,unstable,ci_low,ci_high,ci_level,peak_rss_bytes,voluntary_ctx_switches,"
      "involuntary_ctx_switches\n";
  for (const record& r : res.records) {
    // requested_size: empty when the workload ran at its own default size.
    const std::string requested = r.requested_size ? std::to_string(*r.requested_size) : "";
    const std::string head =
        fmt::format("{},{},{},{},{},{},{},{}", field(r.workload), field(r.model),
                    to_string(r.status), field(r.reason), r.workers, requested, r.size, r.scaled);
    const std::string tail =
        fmt::format("{},{},{}", r.rusage.peak_rss_bytes, r.rusage.voluntary_ctx_switches,
                    r.rusage.involuntary_ctx_switches);
    if (r.metrics.empty()) {
      out += fmt::format("{},,,,,,,,,,,,,{}\n", head, tail);
      continue;
    }
    for (const metric_summary& m : r.metrics) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", head, field(m.name),
                         field(m.unit), m.lower_is_better, m.stats.median, m.stats.min, m.stats.max,
                         m.stats.mad, m.stats.count, m.stats.unstable, m.stats.ci_low,
                         m.stats.ci_high, m.stats.ci_level, tail);
    }
  }
  return out;
}

}  // namespace threadlab
