// bench/report_table.cpp — drawing the summary grid with aligned columns.
#include "bench/report_table.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/report_lifecycle.hpp"
#include "bench/report_states.hpp"
#include "bench/summary_grid.hpp"
#include "bench/units.hpp"

namespace threadlab {

namespace {

// pad(text, width, right) — text padded with spaces to width columns, aligned right or left.
std::string pad(const std::string& text, std::size_t width, bool right) {
  const std::size_t w = display_width(text);
  const std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + text : text + fill;
}

void append_section(std::string& out, const char* title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  out += fmt::format("\n{}:\n", title);
  for (const std::string& line : lines) out += fmt::format("  {}\n", line);
}

}  // namespace

std::string render_table(const results& res) {
  const summary_grid grid = make_summary_grid(res);
  std::vector<std::size_t> widths(grid.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(cells[i]));
    }
  };
  measure(grid.header);
  for (const auto& row : grid.rows) measure(row);

  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i != 0) text += "  ";
      text += pad(cells[i], widths[i], /*right=*/i >= 2);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };

  std::string out = run_summary_line(res) + "\n\n";
  out += line(grid.header);
  std::string rule;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (i != 0) rule += "  ";
    rule += std::string(widths[i], '-');
  }
  out += rule + "\n";
  for (const auto& row : grid.rows) out += line(row);
  out += "\n";
  for (const std::string& l : grid.legend) out += l + "\n";
  append_section(out, "Scaled (^)", grid.scaled_notes);
  append_section(out, "Skipped", grid.skipped);
  append_section(out, "Errors", grid.errors);
  append_section(out, "Configurations", grid.configurations);
  out += render_lifecycle_table(res);  // only when spawn_join ran
  out += render_states_table(res);     // only for a --states run
  return out;
}

}  // namespace threadlab
