// bench/report_states.cpp — drawing the state-accounting table (see report_states.hpp).
#include "bench/report_states.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "bench/units.hpp"

namespace threadlab {

namespace {

// state_columns — the metric names of the table, in column order (bench/states.cpp's names).
constexpr std::array<std::string_view, 5> state_columns = {
    "ready_share", "running_share", "blocked_share", "switches", "mean_slice_ns"};

const metric_summary* find_metric(const record& r, std::string_view name) {
  for (const metric_summary& m : r.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string cell(const metric_summary* m) {
  if (m == nullptr) return "-";
  if (m->unit == "%") return fmt::format("{:.1f}", m->stats.median);
  if (m->name == "switches") return fmt::format("{:.0f}", m->stats.median);
  return format_quantity(m->stats.median, m->unit);
}

// states_note(note) — the "states: ..." sentence of a record's note, or the whole note.
std::string states_note(const std::string& note) {
  const auto at = note.find("states: ");
  return at == std::string::npos ? note : note.substr(at + 8);
}

// states_grid — the table's cells (header first) and the per-model notes under it.
struct states_grid {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
};

// make_states_grid(res) — one row per ok record with state metrics; a note per model saying
// what it observed or inferred (also for ok records of models that report no state metrics).
states_grid make_states_grid(const results& res) {
  states_grid grid;
  auto& rows = grid.rows;
  auto& notes = grid.notes;
  rows.push_back({"workload", "model", "ready %", "running %", "blocked %", "switches",
                  "mean slice"});
  for (const record& r : res.records) {
    if (r.status != record_status::ok) continue;
    if (find_metric(r, "running_share") == nullptr) {
      if (r.note.find("states: ") != std::string::npos) {
        notes.push_back(fmt::format("{} ({}): {}", r.model, r.workload, states_note(r.note)));
      }
      continue;
    }
    std::vector<std::string> row{r.workload, r.model};
    for (std::string_view name : state_columns)
      row.push_back(cell(find_metric(r, name)));
    rows.push_back(std::move(row));
    const std::string note = states_note(r.note);  // each provenance names its model
    if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
  }
  return grid;
}

// markdown_cell(text) — text safe inside a markdown table cell (as report_markdown.cpp does).
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '*' || c == '~' || c == '^' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

constexpr const char* states_caption =
    "Where thread-time goes (--states; medians; thread-time = sum over threads of creation to "
    "termination, new counted as ready)";

}  // namespace

bool has_state_metrics(const results& res) {
  return std::any_of(res.records.begin(), res.records.end(), [](const record& r) {
    return r.status == record_status::ok && find_metric(r, "running_share") != nullptr;
  });
}

std::string render_states_table(const results& res) {
  if (!has_state_metrics(res)) return {};
  const states_grid grid = make_states_grid(res);
  const auto& rows = grid.rows;
  const auto& notes = grid.notes;
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out = fmt::format("\n{}:\n\n", states_caption);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::string line;
    for (std::size_t i = 0; i < rows[k].size(); ++i) {
      const std::size_t w = display_width(rows[k][i]);
      const std::string fill(widths[i] > w ? widths[i] - w : 0, ' ');
      if (i != 0) line += "  ";
      line += i >= 2 ? fill + rows[k][i] : rows[k][i] + fill;
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
    if (k == 0) {
      std::string rule;
      for (std::size_t i = 0; i < widths.size(); ++i)
        rule += (i != 0 ? "  " : "") + std::string(widths[i], '-');
      out += rule + "\n";
    }
  }
  out += "\nObserved or inferred, per model:\n";
  for (const std::string& n : notes)
    out += "  " + n + "\n";
  return out;
}

}  // namespace threadlab

namespace threadlab {

std::string render_states_markdown(const results& res) {
  if (!has_state_metrics(res)) return {};
  const states_grid grid = make_states_grid(res);
  std::string out = fmt::format("\n**{}**\n\n", markdown_cell(states_caption));
  for (std::size_t k = 0; k < grid.rows.size(); ++k) {
    out += "|";
    for (const std::string& c : grid.rows[k]) {
      out += ' ';  // appended piecewise: g++ 12 -O3 warns (-Wrestrict) on " " + str + " |"
      out += markdown_cell(c);
      out += " |";
    }
    out += "\n";
    if (k == 0) {
      out += "|";
      for (std::size_t i = 0; i < grid.rows[k].size(); ++i)
        out += i < 2 ? " --- |" : " ---: |";
      out += "\n";
    }
  }
  out += "\nObserved or inferred, per model:\n\n";
  for (const std::string& n : grid.notes)
    out += fmt::format("- {}\n", markdown_cell(n));
  return out;
}

}  // namespace threadlab
