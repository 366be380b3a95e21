// bench/report/report.hpp — the report formats `threadlab run --format` and `threadlab report
// --format` offer, and one entry point that renders any of them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bench/run/results.hpp"

namespace threadlab {

// report_format — table (default, for a terminal), json (threadlab.results/1), csv, markdown,
// gbench (Google Benchmark JSON), html (one self-contained page of charts: report/html.hpp).
enum class report_format { table, json, csv, markdown, gbench, html };

// parse_report_format(name) — the format named name, or nullopt.
std::optional<report_format> parse_report_format(std::string_view name);

// report_format_names — the valid names, for error messages: "table, json, csv, ...".
inline constexpr std::string_view report_format_names = "table, json, csv, markdown, gbench, html";

// render(format, res) — res as text in format.
std::string render(report_format format, const results& res);

}  // namespace threadlab
