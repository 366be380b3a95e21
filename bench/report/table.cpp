// bench/report/table.cpp — drawing the summary grid with aligned columns.
#include "bench/report/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "bench/report/detail.hpp"
#include "bench/report/lifecycle.hpp"
#include "bench/report/states.hpp"
#include "bench/report/summary_grid.hpp"

namespace threadlab {

namespace {

// append_section(out, title, items) — a titled list; an item of several lines keeps them, each
// indented under the first.
void append_section(std::string& out, const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += fmt::format("\n{}:\n", title);
  for (const std::string& item : items) {
    std::size_t from = 0;
    while (from < item.size()) {
      const std::size_t nl = std::min(item.find('\n', from), item.size());
      out += fmt::format("  {}\n", std::string_view(item).substr(from, nl - from));
      from = nl + 1;
    }
  }
}

// render_block(res, legend) — the table of one point, with its notes: all of a run's report but
// the summary line. legend: false in a sweep, whose legend is printed once after the last block.
std::string render_block(const results& res, bool legend) {
  const summary_grid grid = make_summary_grid(res);
  std::string out = aligned_rows(grid.header, grid.rows, /*label_columns=*/2);
  out += "\n";
  if (legend) {
    for (const std::string& l : grid.legend) out += l + "\n";
  }
  append_section(out, "Scaled (^)", grid.scaled_notes);
  append_section(out, "Skipped", grid.skipped);
  append_section(out, "Errors", grid.errors);
  append_section(out, "What the hung pairs' threads were doing", grid.dumps);
  append_section(out, "Configurations", grid.configurations);
  out += render_lifecycle_table(res);  // only when spawn_join ran
  out += render_states_table(res);     // only for a --states run
  return out;
}

}  // namespace

std::string render_table(const results& res) {
  std::string out = run_summary_line(res) + "\n\n";
  if (const std::string line = interruption_line(res); !line.empty()) out += line + "\n\n";
  if (!res.is_sweep()) return out + render_block(res, true);
  // A sweep: one block per point, each headed by its point; the legend once, at the end.
  for (const results& part : split_by_point(res)) {
    out += "== " + point_label(part) + " ==\n\n" + render_block(part, false) + "\n";
  }
  for (const std::string& l : make_summary_grid(res).legend) out += l + "\n";
  return out;
}

}  // namespace threadlab
