// bench/report/html_layout.hpp — what the HTML report's sections share (report/html.cpp draws
// the page, report/html_charts.cpp its charts): the workloads, models and sweep points of a
// results, in the order they first appear; each model's colour; the lookup of one record; and
// the text every chart writes for a figure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/report/units.hpp"
#include "bench/run/results.hpp"

namespace threadlab::html {

// point — one sweep point: the workers and the size asked for (nullopt: each workload's own).
struct point {
  unsigned workers = 0;
  std::optional<std::uint64_t> size;
  bool operator==(const point&) const = default;
};

// point_of(r) — the point r was run at.
point point_of(const record& r);

// layout — the axes of a results: what varies and in which order it first appears.
struct layout {
  std::vector<std::string> workloads;  // not the baselines
  std::vector<std::string> baselines;
  std::vector<std::string> models;  // not "baseline"
  std::vector<point> points;
  std::vector<unsigned> workers;                    // each value of points' workers, once, in order
  std::vector<std::optional<std::uint64_t>> sizes;  // each size of points, once, in order

  bool workers_vary() const { return workers.size() > 1; }
  bool sizes_vary() const { return sizes.size() > 1; }
};

// layout_of(res) — the layout of res.
layout layout_of(const results& res);

// colour_of(l, model) — model's colour from model_palette (report/html.hpp): a catalogue model
// (known_models) always has its own; another takes the first colour left free in l; grey for a
// model l does not list.
std::string colour_of(const layout& l, std::string_view model);

// point_label(l, p) — p in words, naming only what varies in l: "workers 2", "size 10,000",
// "workers 2 · size 10,000"; empty when nothing varies.
std::string point_label(const layout& l, const point& p);

// find_record(res, workload, model, p) — the record of that pair at p, or nullptr.
const record* find_record(const results& res, std::string_view workload, std::string_view model,
                          const point& p);

// headline(r) — the first metric of an ok record, or nullptr (not ok, or no metric).
const metric_summary* headline(const record& r);

// figure_text(m) — the median with its unit, for reading: "1.23 µs".
std::string figure_text(const metric_summary& m);

// figure_tooltip(r, m) — what a chart says of m on hover: the median, its interval and level,
// min and max, the repetitions, the size run, and the scaled note of r.
std::string figure_tooltip(const record& r, const metric_summary& m, const layout& l);

// metric_title(m) — "ns_per_yield (ns, lower is better)".
std::string metric_title(const metric_summary& m);

}  // namespace threadlab::html
