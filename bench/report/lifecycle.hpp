// bench/report/lifecycle.hpp — the life of a thread, per model: the create, start-latency and
// exit-to-join percentiles that bench/workloads/spawn_join.hpp measures, as a table under the
// summary whenever a run includes spawn_join (terminal and markdown).
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// render_lifecycle_table(res) — the table as text; empty unless some ok record carries the
// lifecycle percentiles (create_p50_ns: a run of spawn_join).
std::string render_lifecycle_table(const results& res);

// render_lifecycle_markdown(res) — the same as markdown; empty when there is nothing to show.
std::string render_lifecycle_markdown(const results& res);

}  // namespace threadlab
