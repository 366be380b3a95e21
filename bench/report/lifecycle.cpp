// bench/report/lifecycle.cpp — drawing the lifecycle table (see report_lifecycle.hpp).
#include "bench/report/lifecycle.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "bench/report/detail.hpp"
#include "bench/report/units.hpp"

namespace threadlab {

namespace {

// figures — spawn_join's lifecycle figures, in column order (each has _p50/_p99/_max_ns).
constexpr std::array<std::string_view, 3> figures = {"create", "start_latency", "exit_to_join"};
// labels — the column heads of each figure, short enough for a terminal.
constexpr std::array<std::string_view, 3> labels = {"create", "start", "exit-join"};
constexpr std::array<std::string_view, 3> quantiles = {"p50", "p99", "max"};

detail_table lifecycle_detail(const results& res) {
  detail_table t;
  t.caption =
      "The life of a thread (spawn_join, instrumented pass; medians over repetitions of each "
      "percentile over its threads)";
  t.header = {"model"};
  for (std::string_view l : labels) {
    for (std::string_view q : quantiles) t.header.push_back(std::string(l) + " " + std::string(q));
  }
  t.header.push_back("clock");
  t.label_columns = 1;
  for (const record& r : res.records) {
    if (r.status != record_status::ok || find_metric(r, "create_p50_ns") == nullptr) continue;
    std::vector<std::string> row{r.model};
    for (std::string_view f : figures) {
      for (std::string_view q : quantiles) {
        const std::string name = std::string(f) + "_" + std::string(q) + "_ns";
        const metric_summary* m = find_metric(r, name);
        row.push_back(m != nullptr ? format_quantity(m->stats.median, m->unit) : "-");
      }
    }
    const metric_summary* clock = find_metric(r, "clock_overhead_ns");
    row.push_back(clock != nullptr ? format_quantity(clock->stats.median, clock->unit) : "-");
    t.rows.push_back(std::move(row));
  }
  t.notes_title = "Reading it";
  t.notes = {
      "create: the spawn call; start: spawn call to the thread's first instruction; "
      "exit-join: the later of (last instruction, join call) to join's return",
      "clock: the cost of one clock read, measured in the same run; every figure includes "
      "about one",
  };
  return t;
}

}  // namespace

std::string render_lifecycle_table(const results& res) {
  return render_detail_if(res, "create_p50_ns", &lifecycle_detail, detail_style::text);
}

std::string render_lifecycle_markdown(const results& res) {
  return render_detail_if(res, "create_p50_ns", &lifecycle_detail, detail_style::markdown);
}

}  // namespace threadlab
