// bench/report/lifecycle.hpp — the life of a thread, per model: the create, start-latency and
// exit-to-join percentiles that bench/workloads/spawn_join.hpp measures, as a table under the
// summary whenever a run includes spawn_join (terminal and markdown).
#pragma once

#include <string>

#include "bench/run/results.hpp"

namespace threadlab {

// has_lifecycle_metrics(res) — true when some ok record carries create_p50_ns.
bool has_lifecycle_metrics(const results& res);

// render_lifecycle_table(res) — the table as text; empty when has_lifecycle_metrics is false.
std::string render_lifecycle_table(const results& res);

// render_lifecycle_markdown(res) — the same as markdown; empty when there is nothing to show.
std::string render_lifecycle_markdown(const results& res);

}  // namespace threadlab
