// bench/report/detail.hpp — a secondary table under the summary (state shares, lifecycle
// latencies), drawn the same way for the terminal and for markdown; and the table drawing
// every report shares (aligned_rows, markdown_rows, markdown_cell).
//
// The summary grid shows one headline per (workload, model); a detail table shows several
// metrics of the records that carry them, one row per record, then notes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bench/run/results.hpp"

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

// markdown_cell(text) — text safe inside a markdown table cell or list item: pipes escaped,
// and the marks markdown would read as emphasis.
std::string markdown_cell(const std::string& text);

// aligned_rows(header, rows, label_columns, rule) — header and rows as lines of text, each
// column padded to its widest cell (display_width), columns two spaces apart, the first
// label_columns left-aligned and the others right-aligned, trailing spaces cut; with rule, a
// line of dashes under the header. Every row has at most header.size() cells. Shared by every
// terminal table (summary, detail tables, compare).
std::string aligned_rows(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows,
                         std::size_t label_columns, bool rule = true);

// markdown_rows(header, rows, label_columns) — the same as a markdown pipe table: cells
// escaped with markdown_cell, labels left-aligned, figures right-aligned.
std::string markdown_rows(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows,
                          std::size_t label_columns);

// render_detail_text(t) — the table as aligned text, starting with a blank line.
std::string render_detail_text(const detail_table& t);

// render_detail_markdown(t) — the table as a markdown pipe table with a bold caption and the
// notes as a list, starting with a blank line.
std::string render_detail_markdown(const detail_table& t);

// detail_style — how render_detail_if draws: for the terminal or as markdown.
enum class detail_style { text, markdown };

// render_detail_if(res, metric, build, style) — the detail table build(res), drawn in style,
// when some ok record of res carries the metric called `metric` (the run measured what the
// table shows); empty otherwise.
std::string render_detail_if(const results& res, std::string_view metric,
                             detail_table (*build)(const results&), detail_style style);

}  // namespace threadlab
