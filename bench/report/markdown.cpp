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

// render_legend(grid) — what the marks mean, a line each.
std::string render_legend(const summary_grid& grid) {
  std::string out;
  for (const std::string& l : grid.legend)
    out += markdown_cell(l) + "  \n";  // two spaces: a line break, so each legend line stands alone
  return out;
}

// render_block(res, legend) — the markdown of one point: all of a run's report but the summary
// line. legend: false in a sweep, whose legend is written once after the last section.
std::string render_block(const results& res, bool legend) {
  const summary_grid grid = make_summary_grid(res);
  std::string out = markdown_rows(grid.header, grid.rows, /*label_columns=*/2);
  out += "\n";
  if (legend) out += render_legend(grid);
  append_list(out, "Scaled (^)", grid.scaled_notes);
  append_list(out, "Skipped", grid.skipped);
  append_list(out, "Errors", grid.errors);
  if (!grid.dumps.empty()) {
    out += "\n**What the hung pairs' threads were doing**\n\n";
    for (const std::string& dump : grid.dumps) out += "```\n" + dump + "```\n";
  }
  append_list(out, "Configurations", grid.configurations);
  out += render_lifecycle_markdown(res);  // empty unless spawn_join ran
  out += render_states_markdown(res);     // empty unless the run carried state metrics (--states)
  return out;
}

}  // namespace

std::string render_markdown(const results& res) {
  std::string out = fmt::format("_{}_\n\n", markdown_cell(run_summary_line(res)));
  if (const std::string line = interruption_line(res); !line.empty()) {
    out += fmt::format("**{}**\n\n", markdown_cell(line));
  }
  if (!res.is_sweep()) return out + render_block(res, true);
  // A sweep: one section per point, each headed by its point; the legend once, at the end.
  for (const results& part : split_by_point(res)) {
    out +=
        fmt::format("### {}\n\n{}\n", markdown_cell(point_label(part)), render_block(part, false));
  }
  return out + render_legend(make_summary_grid(res));
}

}  // namespace threadlab
