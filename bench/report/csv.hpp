// bench/report/csv.hpp — one CSV row per record and metric (a record without metrics, such as
// a skip or an error, gets one row with the metric columns empty), for spreadsheets and
// scripts. RFC 4180 quoting; the first line names the columns. ci_low, ci_high and ci_level are
// the median's confidence interval (bench/run/statistics.hpp); the last three columns are the
// record's whole-process counters (warm-ups included), while per-repetition counters are
// metrics rows of their own (peak_rss_bytes, voluntary_ctx_switches, ...).
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_csv(res) — the CSV text of res.
std::string render_csv(const results& res);

}  // namespace threadlab
