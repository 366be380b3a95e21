// bench/report/html_layout.cpp — the axes, colours and figure texts of the HTML report (see
// html_layout.hpp).
#include "bench/report/html_layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include "bench/report/html.hpp"
#include "bench/report/summary_grid.hpp"
#include "bench/report/units.hpp"

namespace threadlab::html {

namespace {

template <class T>
void add_unique(std::vector<T>& list, const T& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

point point_of(const record& r) { return point{r.workers, r.requested_size}; }

layout layout_of(const results& res) {
  layout l;
  for (const record& r : res.records) {
    add_unique(r.is_baseline() ? l.baselines : l.workloads, r.workload);
    if (!r.is_baseline()) add_unique(l.models, r.model);
    add_unique(l.points, point_of(r));
    add_unique(l.workers, r.workers);
    add_unique(l.sizes, r.requested_size);
  }
  return l;
}

namespace {

// known_index(model) — model's place in known_models, or nullopt.
std::optional<std::size_t> known_index(std::string_view model) {
  const auto at = std::find(std::begin(known_models), std::end(known_models), model);
  if (at == std::end(known_models)) return std::nullopt;
  return static_cast<std::size_t>(at - std::begin(known_models));
}

}  // namespace

std::string colour_of(const layout& l, std::string_view model) {
  if (std::find(l.models.begin(), l.models.end(), model) == l.models.end()) return "#999999";
  if (const auto known = known_index(model)) return std::string(model_palette[*known]);
  // Another model: the palette's colours no known model of this report holds, in order, handed
  // to the other models in the order they appear.
  std::vector<bool> taken(std::size(model_palette), false);
  for (const std::string& m : l.models) {
    if (const auto known = known_index(m)) taken[*known] = true;
  }
  std::size_t colour = 0;
  for (const std::string& m : l.models) {
    if (known_index(m)) continue;
    while (colour < taken.size() && taken[colour]) ++colour;
    if (m == model) return std::string(model_palette[colour % std::size(model_palette)]);
    ++colour;
  }
  return "#999999";
}

std::string point_label(const layout& l, const point& p) {
  std::string label;
  if (l.workers_vary()) label = fmt::format("workers {}", p.workers);
  if (l.sizes_vary()) {
    if (!label.empty()) label += " · ";
    label += p.size ? "size " + grouped(*p.size) : std::string("default size");
  }
  return label;
}

const record* find_record(const results& res, std::string_view workload, std::string_view model,
                          const point& p) {
  for (const record& r : res.records) {
    if (r.workload == workload && r.model == model && point_of(r) == p) return &r;
  }
  return nullptr;
}

const metric_summary* headline(const record& r) {
  if (r.status != record_status::ok || r.metrics.empty()) return nullptr;
  return &r.metrics.front();
}

std::string figure_text(const metric_summary& m) { return format_quantity(m.stats.median, m.unit); }

std::string figure_tooltip(const record& r, const metric_summary& m, const layout& l) {
  const std::string where = point_label(l, point_of(r));
  std::string text = fmt::format(
      "{} on {}{}: {} median {}; {:.0f}% confidence interval of the median [{}, {}]; min {}, "
      "max {}; {} repetition{}; size {}",
      r.workload, r.model, where.empty() ? "" : " (" + where + ")", m.name, figure_text(m),
      m.stats.ci_level * 100, format_quantity(m.stats.ci_low, m.unit),
      format_quantity(m.stats.ci_high, m.unit), format_quantity(m.stats.min, m.unit),
      format_quantity(m.stats.max, m.unit), m.stats.count, m.stats.count == 1 ? "" : "s",
      grouped(r.size));
  if (m.stats.unstable) {
    text += fmt::format("; {} unstable: MAD {} > {:.0f}% of the median", unstable_mark,
                        format_quantity(m.stats.mad, m.unit), unstable_threshold * 100);
  }
  if (r.scaled) text += fmt::format("; {} {}", scaled_mark, r.note);
  return text;
}

std::string metric_title(const metric_summary& m) {
  return fmt::format("{} ({}, {} is better)", m.name, m.unit,
                     m.lower_is_better ? "lower" : "higher");
}

}  // namespace threadlab::html
