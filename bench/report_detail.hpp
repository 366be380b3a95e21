// bench/report_detail.hpp — a secondary table under the summary (state shares, lifecycle
// latencies), drawn the same way for the terminal and for markdown.
//
// The summary grid shows one headline per (workload, model); a detail table shows several
// metrics of the records that carry them, one row per record, then notes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bench/results.hpp"

namespace threadlab {

// detail_table — what to draw. The first `label_columns` columns are labels (left-aligned);
// the others are figures (right-aligned).
struct detail_table {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t label_columns = 2;
  std::string notes_title;  // e.g. "Observed or inferred, per model"; empty: no notes section
  std::vector<std::string> notes;
};

// find_metric(r, name) — r's summary of the metric called name, or nullptr.
const metric_summary* find_metric(const record& r, std::string_view name);

// render_detail_text(t) — the table as aligned text, starting with a blank line.
std::string render_detail_text(const detail_table& t);

// render_detail_markdown(t) — the table as a markdown pipe table with a bold caption and the
// notes as a list, starting with a blank line.
std::string render_detail_markdown(const detail_table& t);

}  // namespace threadlab
