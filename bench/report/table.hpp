// bench/report/table.hpp — the default report: the summary grid (bench/report/summary_grid.hpp) as
// an aligned terminal table, followed by the legend, scaled notes, skips, errors and each model's
// configuration.
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_table(res) — the terminal report of res, ending with a newline.
std::string render_table(const results& res);

}  // namespace threadlab
