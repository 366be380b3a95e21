// bench/report_states.cpp — drawing the state-accounting table (see report_states.hpp).
#include "bench/report_states.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/report_detail.hpp"
#include "bench/units.hpp"

namespace threadlab {

namespace {

// state_columns — the metric names of the table, in column order (bench/states.cpp's names).
constexpr std::array<std::string_view, 5> state_columns = {
    "ready_share", "running_share", "blocked_share", "switches", "mean_slice_ns"};

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
  rows.push_back(
      {"workload", "model", "ready %", "running %", "blocked %", "switches", "mean slice"});
  for (const record& r : res.records) {
    if (r.status != record_status::ok) continue;
    if (find_metric(r, "running_share") == nullptr) {
      if (r.note.find("states: ") != std::string::npos) {
        notes.push_back(fmt::format("{} ({}): {}", r.model, r.workload, states_note(r.note)));
      }
      continue;
    }
    std::vector<std::string> row{r.workload, r.model};
    for (std::string_view name : state_columns) row.push_back(cell(find_metric(r, name)));
    rows.push_back(std::move(row));
    const std::string note = states_note(r.note);  // each provenance names its model
    if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
  }
  return grid;
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

// states_detail(res) — the grid as a detail table (bench/report_detail.hpp).
static detail_table states_detail(const results& res) {
  states_grid grid = make_states_grid(res);
  detail_table t;
  t.caption = states_caption;
  t.header = std::move(grid.rows.front());
  t.rows.assign(std::make_move_iterator(grid.rows.begin() + 1),
                std::make_move_iterator(grid.rows.end()));
  t.notes_title = "Observed or inferred, per model";
  t.notes = std::move(grid.notes);
  return t;
}

std::string render_states_table(const results& res) {
  return has_state_metrics(res) ? render_detail_text(states_detail(res)) : std::string();
}

std::string render_states_markdown(const results& res) {
  return has_state_metrics(res) ? render_detail_markdown(states_detail(res)) : std::string();
}

}  // namespace threadlab
