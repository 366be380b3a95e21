// bench/report/html.hpp — the report as one HTML page, for a browser: `threadlab run --format
// html` and `threadlab report RESULTS.json --html FILE`.
//
// The page stands alone: its charts are inline SVG (report/svg_chart.hpp), its stylesheet is
// inline, and it holds no script and refers to nothing outside itself (no font, image or link
// to fetch; a Content-Security-Policy forbids any). Every text taken from the results (names,
// reasons, notes, configurations, the environment) is escaped, whatever it holds. It reads at
// 1280 pixels wide: charts two to a row.
//
// In order, it shows:
//   - the run: when, where and how (repetitions, sweep), and each model's colour;
//   - headline: for each workload a bar chart of its headline metric (the first metric of each
//     record) across models, id "chart-<workload>", bars grouped by sweep point; the whisker is
//     the median's confidence interval; a value is marked ^ (scaled), ~ (unstable) and * (best
//     of its group) as in the text table;
//   - scaling: with more than one workers value, the headline against workers, one line per
//     model, per workload (id "scaling-<workload>"); with more than one size, the headline
//     against the size asked for (id "size-<workload>"); one chart per value of the other
//     dimension when both vary (ids suffixed "-size-<N>" / "-workers-<N>");
//   - lifecycle: spawn_join's create, start and exit-to-join p50/p99/max per model (ids
//     "lifecycle-<figure>"), when the run has them;
//   - states: the ready/running/blocked shares as stacked bars per workload (ids
//     "states-<workload>"), when the run has them (--states);
//   - baselines, the problems (errors, skips, scaled results, each with its reason), the
//     environment, the parameters and each model's configuration.
//
// Colours: the Okabe–Ito palette, safe for the common colour-vision deficiencies. A model's
// colour is fixed by its place in the order models first appear in the results (for a file
// from `threadlab run`, the catalogue's order), so it is the same in every chart of a page,
// and for the same selection of models on every page. Ids are the names with every character
// other than a letter, digit, '-' or '_' replaced by '_'.
#pragma once

#include <iterator>
#include <string>
#include <string_view>

#include "bench/run/results.hpp"

namespace threadlab {

// render_html(res) — the whole page, from <!DOCTYPE html> to </html>.
std::string render_html(const results& res);

// html_id(prefix, name) — the element id of name's chart: prefix + "-" + name, with every
// character of name other than [A-Za-z0-9_-] replaced by '_'.
std::string html_id(std::string_view prefix, std::string_view name);

// model_palette — the models' colours (Okabe–Ito: blue, orange, bluish green, vermillion,
// reddish purple, sky blue, yellow, black; then Tol's wine and grey), colour-blind safe.
inline constexpr std::string_view model_palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                     "#CC79A7", "#56B4E9", "#F0E442", "#000000",
                                                     "#882255", "#777777"};
// known_models — the catalogue's models, each with the palette colour at its index in every
// report, whichever models a run chose. Any other model (one added out of tree) takes the first
// colour no model of the report has taken; past ten models, colours repeat.
inline constexpr std::string_view known_models[] = {
    "kernel",       "kernel_pool", "green",      "boost_fiber_ws", "hybrid",
    "hybrid_uring", "tbb",         "coroutines", "asio_coro"};
static_assert(std::size(known_models) < std::size(model_palette),
              "every catalogue model has its own colour, and one is left for a model out of tree");

}  // namespace threadlab
