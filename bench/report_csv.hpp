// bench/report_csv.hpp — one CSV row per record and metric (a record without metrics, such as
// a skip or an error, gets one row with the metric columns empty), for spreadsheets and
// scripts. RFC 4180 quoting; the first line names the columns.
#pragma once

#include <string>

#include "bench/results.hpp"

namespace threadlab {

// render_csv(res) — the CSV text of res.
std::string render_csv(const results& res);

}  // namespace threadlab
