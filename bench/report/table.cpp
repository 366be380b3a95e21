// bench/report/table.cpp — drawing the summary grid with aligned columns.
#include "bench/report/table.hpp"

#include <fmt/format.h>

#include "bench/report/detail.hpp"
#include "bench/report/lifecycle.hpp"
#include "bench/report/states.hpp"
#include "bench/report/summary_grid.hpp"

namespace threadlab {

namespace {

void append_section(std::string& out, const char* title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  out += fmt::format("\n{}:\n", title);
  for (const std::string& line : lines) out += fmt::format("  {}\n", line);
}

}  // namespace

std::string render_table(const results& res) {
  const summary_grid grid = make_summary_grid(res);
  std::string out = run_summary_line(res) + "\n\n";
  out += aligned_rows(grid.header, grid.rows, /*label_columns=*/2);
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
