// bench/report/markdown.cpp — drawing the summary grid in markdown.
#include "bench/report/markdown.hpp"

#include <fmt/format.h>

#include "bench/report/detail.hpp"
#include "bench/report/lifecycle.hpp"
#include "bench/report/states.hpp"
#include "bench/report/summary_grid.hpp"

namespace threadlab {

namespace {

void append_list(std::string& out, const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += fmt::format("\n**{}**\n\n", title);
  for (const std::string& item : items) out += fmt::format("- {}\n", markdown_cell(item));
}

}  // namespace

std::string render_markdown(const results& res) {
  const summary_grid grid = make_summary_grid(res);
  std::string out = fmt::format("_{}_\n\n", markdown_cell(run_summary_line(res)));
  out += markdown_rows(grid.header, grid.rows, /*label_columns=*/2);
  out += "\n";
  for (const std::string& l : grid.legend)
    out += markdown_cell(l) + "  \n";  // two spaces: a line break, so each legend line stands alone
  append_list(out, "Scaled (^)", grid.scaled_notes);
  append_list(out, "Skipped", grid.skipped);
  append_list(out, "Errors", grid.errors);
  append_list(out, "Configurations", grid.configurations);
  out += render_lifecycle_markdown(res);  // empty unless spawn_join ran
  out += render_states_markdown(res);     // empty unless the run carried state metrics (--states)
  return out;
}

}  // namespace threadlab
