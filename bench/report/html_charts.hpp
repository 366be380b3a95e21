// bench/report/html_charts.hpp — the chart sections of the HTML report (report/html.hpp lists
// them and their element ids). Each returns a <section> element, or an empty string when the
// results hold nothing it would show.
#pragma once

#include <string>

#include "bench/report/html_layout.hpp"
#include "bench/run/results.hpp"

namespace threadlab::html {

// chart_width — the pixel width of every chart: two side by side fill a 1280-pixel window.
inline constexpr int chart_width = 580;

// headline_section(res, l) — one bar chart per workload (never empty when res has a workload).
std::string headline_section(const results& res, const layout& l);

// scaling_section(res, l) — the headline against workers and against size; empty without a
// sweep.
std::string scaling_section(const results& res, const layout& l);

// lifecycle_section(res, l) — spawn_join's percentiles; empty unless some ok record has them.
std::string lifecycle_section(const results& res, const layout& l);

// states_section(res, l) — the state shares; empty unless some ok record has them (--states).
std::string states_section(const results& res, const layout& l);

}  // namespace threadlab::html
