// bench/report/states.hpp — the "where the time goes" table of `threadlab run --states`, for
// the terminal and for `--format markdown`.
//
// Rows are workload × model, columns the medians of the state metrics that bench/trace/states.hpp
// appends to each sample (ready %, running %, blocked %, switches, mean slice), then each
// model's note saying which figures were observed and which inferred.
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_states_table(res) — the table, ending with a newline; empty unless some ok record
// carries the state metrics (a --states run).
std::string render_states_table(const results& res);

// render_states_markdown(res) — the same table and notes as markdown (a caption, a pipe table
// with numbers right-aligned, the notes as a list), starting with a blank line; empty when
// there is nothing to show.
std::string render_states_markdown(const results& res);

}  // namespace threadlab
