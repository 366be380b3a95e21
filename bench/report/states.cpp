// bench/report/states.cpp — drawing the state-accounting table (see report_states.hpp).
#include "bench/report/states.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "bench/report/detail.hpp"
#include "bench/report/units.hpp"

namespace threadlab {

namespace {

// state_columns — the metric names of the table, in column order (bench/trace/states.cpp's names).
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

// states_detail(res) — one row per ok record with state metrics; a note per model saying
// what it observed or inferred (also for ok records of models that report no state metrics).
detail_table states_detail(const results& res) {
  detail_table t;
  t.caption =
      "Where thread-time goes (--states; medians; thread-time = sum over threads of creation to "
      "termination, created counted as ready)";
  t.header = {"workload", "model", "ready %", "running %", "blocked %", "switches", "mean slice"};
  t.notes_title = "Observed or inferred, per model";
  for (const record& r : res.records) {
    if (r.status != record_status::ok) continue;
    if (find_metric(r, "running_share") == nullptr) {
      if (r.note.find("states: ") != std::string::npos) {
        t.notes.push_back(fmt::format("{} ({}): {}", r.model, r.workload, states_note(r.note)));
      }
      continue;
    }
    std::vector<std::string> row{r.workload, r.model};
    for (std::string_view name : state_columns) row.push_back(cell(find_metric(r, name)));
    t.rows.push_back(std::move(row));
    const std::string note = states_note(r.note);  // each provenance names its model
    if (std::find(t.notes.begin(), t.notes.end(), note) == t.notes.end()) t.notes.push_back(note);
  }
  return t;
}

}  // namespace

std::string render_states_table(const results& res) {
  return render_detail_if(res, "running_share", &states_detail, detail_style::text);
}

std::string render_states_markdown(const results& res) {
  return render_detail_if(res, "running_share", &states_detail, detail_style::markdown);
}

}  // namespace threadlab
