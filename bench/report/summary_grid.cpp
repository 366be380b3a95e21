// bench/report/summary_grid.cpp — building the summary table from records.
#include "bench/report/summary_grid.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "bench/report/units.hpp"

namespace threadlab {

namespace {

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// headline(r) — the first metric of an ok record with at least one metric, or nullptr.
const metric_summary* headline(const record& r) {
  if (r.status != record_status::ok || r.metrics.empty()) return nullptr;
  return &r.metrics.front();
}

std::string metric_label(const metric_summary& m) {
  return fmt::format("{} {}", m.name, m.lower_is_better ? "↓" : "↑");
}

// cell_text(r, best) — the cell of one record; best is true when it has the row's best median.
std::string cell_text(const record& r, bool best) {
  if (r.status == record_status::skipped) return "skipped";
  if (r.status == record_status::error) return "ERROR";
  if (r.status == record_status::interrupted) return "INTERRUPTED";
  const metric_summary* m = headline(r);
  if (m == nullptr) return "-";
  std::string text = format_quantity(m->stats.median, m->unit);
  if (best) text += best_mark;
  if (m->stats.unstable) text += unstable_mark;
  if (r.scaled) text += scaled_mark;
  return text;
}

// best_index(row) — the record whose headline median is best among those sharing the first
// headline metric's name; nullopt when fewer than two records can be compared.
std::optional<std::size_t> best_index(const std::vector<const record*>& row) {
  const metric_summary* reference = nullptr;
  std::optional<std::size_t> best;
  std::size_t comparable = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const metric_summary* m = row[i] ? headline(*row[i]) : nullptr;
    if (m == nullptr) continue;
    if (reference == nullptr) reference = m;
    if (m->name != reference->name) continue;
    ++comparable;
    if (!best) {
      best = i;
      continue;
    }
    const double current = headline(*row[*best])->stats.median;
    const bool better = m->lower_is_better ? m->stats.median < current : m->stats.median > current;
    if (better) best = i;
  }
  if (comparable < 2) return std::nullopt;
  return best;
}

}  // namespace

summary_grid make_summary_grid(const results& res) {
  summary_grid grid;
  std::vector<std::string> workloads;
  std::vector<std::string> models;
  std::vector<const record*> baselines;
  for (const record& r : res.records) {
    if (r.is_baseline()) {
      baselines.push_back(&r);
      continue;
    }
    add_unique(workloads, r.workload);
    add_unique(models, r.model);
  }

  grid.header = {"workload", "metric"};
  grid.header.insert(grid.header.end(), models.begin(), models.end());
  if (!baselines.empty()) grid.header.push_back(std::string(baseline_model));
  const std::size_t width = grid.header.size();

  for (const std::string& w : workloads) {
    std::vector<const record*> row(models.size(), nullptr);
    for (const record& r : res.records) {
      if (r.is_baseline() || r.workload != w) continue;
      const auto at = std::find(models.begin(), models.end(), r.model) - models.begin();
      row[static_cast<std::size_t>(at)] = &r;
    }
    const auto best = best_index(row);
    std::vector<std::string> cells{w, "-"};
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i] == nullptr) {
        cells.push_back("-");
        continue;
      }
      if (const metric_summary* m = headline(*row[i]); m != nullptr && cells[1] == "-") {
        cells[1] = metric_label(*m);
      }
      cells.push_back(cell_text(*row[i], best == i));
    }
    cells.resize(width, "");
    grid.rows.push_back(std::move(cells));
  }
  for (const record* b : baselines) {
    std::vector<std::string> cells(width, "");
    cells[0] = b->workload;
    const metric_summary* m = headline(*b);
    cells[1] = m ? metric_label(*m) : "-";
    cells[width - 1] = cell_text(*b, false);
    grid.rows.push_back(std::move(cells));
  }

  for (const record& r : res.records) {
    const std::string pair = r.is_baseline() ? fmt::format("{} (baseline)", r.workload)
                                             : fmt::format("{} on {}", r.workload, r.model);
    if (r.scaled) grid.scaled_notes.push_back(fmt::format("{}: {}", pair, r.note));
    if (r.status == record_status::skipped)
      grid.skipped.push_back(fmt::format("{}: {}", pair, r.reason));
    if (r.status == record_status::error || r.status == record_status::interrupted)
      grid.errors.push_back(fmt::format("{}: {}", pair, r.reason));
    if (!r.dump.empty()) grid.dumps.push_back(fmt::format("{}:\n{}", pair, r.dump));
    if (!r.is_baseline() && !r.configuration.empty()) {
      add_unique(grid.configurations, fmt::format("{}: {}", r.model, r.configuration));
    }
  }
  grid.legend = {
      fmt::format("{} best of the row; {} scaled (see below); ↓ lower is better, ↑ higher is "
                  "better",
                  best_mark, scaled_mark),
      fmt::format("{} unstable: MAD > {:.0f}% of the median; too noisy to rank models by",
                  unstable_mark, unstable_threshold * 100),
      "cells are medians; json/csv add min, max, MAD, the median's CI and the other metrics"};
  return grid;
}

std::string interruption_line(const results& res) {
  if (res.interrupted.empty()) return {};
  return fmt::format(
      "INTERRUPTED by {}: the last pair was cut short and {} {} not run; these are the results "
      "gathered until then.",
      res.interrupted, res.not_run, res.not_run == 1 ? "was" : "were");
}

std::string run_summary_line(const results& res) {
  const parameters& p = res.params;
  const environment& e = res.env;
  const std::string revision =
      e.git_revision.size() > 12 ? e.git_revision.substr(0, 12) : e.git_revision;
  const std::string dirty = e.git_dirty.value_or(false) ? " (dirty)" : "";
  // A sweep names its points' workers (and sizes); the blocks below name each point.
  std::string workers = fmt::format("{} worker{}", p.workers, p.workers == 1 ? "" : "s");
  if (!p.workers_sweep.empty())
    workers = fmt::format("{} workers", fmt::join(p.workers_sweep, ", "));
  if (!p.size_sweep.empty()) {
    std::vector<std::string> sizes;
    for (std::uint64_t size : p.size_sweep)
      sizes.push_back(fmt::format("{}", fmt::group_digits(size)));
    workers = fmt::format("sizes {}; {}", fmt::join(sizes, " / "), workers);
  }
  return fmt::format(
      "median of {} repetition{} after {} warm-up{}, {} of {} cores; {} (governor {}); "
      "{} {}; Boost {}; {}; git {}{}; {}",
      p.repetitions, p.repetitions == 1 ? "" : "s", p.warmup, p.warmup == 1 ? "" : "s", workers,
      e.logical_cores, e.cpu_model,
      e.cpu_governor.empty() ? std::string(unavailable) : e.cpu_governor, e.compiler, e.cxx_flags,
      e.boost_version, e.kernel, revision, dirty, e.date_utc);
}

}  // namespace threadlab
