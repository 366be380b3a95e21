// bench/report/html_charts.cpp — the chart sections of the HTML report (see html_charts.hpp):
// from records to the bars, lines and shares of report/svg_chart.hpp.
#include "bench/report/html_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "bench/report/detail.hpp"
#include "bench/report/html.hpp"
#include "bench/report/summary_grid.hpp"
#include "bench/report/svg_chart.hpp"
#include "bench/report/units.hpp"

namespace threadlab::html {

namespace {

// figure(id, caption, chart, note) — one chart with its caption and a note under it.
std::string figure(const std::string& id, const std::string& caption, const std::string& chart,
                   const std::string& note) {
  return fmt::format(
      "<figure class=\"chart\" id=\"{}\"><figcaption>{}</figcaption>\n{}{}</figure>\n",
      xml_escape(id), caption, chart,
      note.empty() ? std::string() : "<p class=\"note\">" + note + "</p>\n");
}

// caption(title, detail) — a caption: the title in bold, then detail (both escaped here).
std::string caption(const std::string& title, const std::string& detail) {
  return fmt::format("<b>{}</b> <span class=\"metric\">{}</span>", xml_escape(title),
                     xml_escape(detail));
}

// levels_text(levels) — the confidence levels used, e.g. "75%" or "75% or 94%".
std::string levels_text(const std::vector<double>& levels) {
  std::vector<std::string> texts;
  for (const double level : levels) {
    const std::string t = fmt::format("{:.0f}%", level * 100);
    if (std::find(texts.begin(), texts.end(), t) == texts.end()) texts.push_back(t);
  }
  std::string out;
  for (std::size_t i = 0; i < texts.size(); ++i) out += (i == 0 ? "" : " or ") + texts[i];
  return out;
}

// chart_note(values, levels) — what a figure's note says: the scale and the whiskers.
std::string chart_note(const std::vector<double>& values, const std::vector<double>& levels) {
  std::string note = uses_log_scale(values) ? "Log scale. " : "";
  if (!levels.empty()) {
    note += "Whiskers: the median's " + levels_text(levels) + " confidence interval.";
  }
  return xml_escape(note);
}

// measured_bar(r, m, l, best) — the bar of an ok record's figure m; its text is the median
// with the marks of the text table: best of its group, unstable, scaled.
bar measured_bar(const record& r, const metric_summary& m, const layout& l, bool best = false) {
  bar b;
  b.label = r.model;
  b.colour = colour_of(l, r.model);
  b.value = m.stats.median;
  b.low = m.stats.ci_low;
  b.high = m.stats.ci_high;
  b.text = figure_text(m);
  if (best) b.text += best_mark;
  if (m.stats.unstable) b.text += unstable_mark;
  if (r.scaled) b.text += scaled_mark;
  b.tooltip = figure_tooltip(r, m, l);
  return b;
}

// unmeasured_bar(r) — a record with no figure to draw: skipped, failed or empty.
bar unmeasured_bar(const record& r) {
  bar b;
  b.label = r.model;
  if (r.status == record_status::skipped) {
    b.text = "skipped";
    b.text_class = "muted";
  } else if (r.status == record_status::error || r.status == record_status::interrupted) {
    b.text = std::string(to_string(r.status));
    b.text_class = "bad";
  } else {
    b.text = "no figure";
    b.text_class = "muted";
  }
  b.tooltip = fmt::format("{} on {}: {}", r.workload, r.model,
                          r.reason.empty() ? std::string("no metric") : r.reason);
  return b;
}

// best_of(figures, lower_is_better) — the index of the best median among figures, or nullopt
// when fewer than two can be compared.
std::optional<std::size_t> best_of(const std::vector<const metric_summary*>& figures,
                                   bool lower_is_better) {
  std::optional<std::size_t> best;
  std::size_t compared = 0;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    if (figures[i] == nullptr) continue;
    ++compared;
    const double v = figures[i]->stats.median;
    if (!best ||
        (lower_is_better ? v < figures[*best]->stats.median : v > figures[*best]->stats.median)) {
      best = i;
    }
  }
  return compared < 2 ? std::nullopt : best;
}

// reference_metric(res, workload) — the headline of the workload's first measured record: the
// figure its chart draws.
const metric_summary* reference_metric(const results& res, const std::string& workload) {
  for (const record& r : res.records) {
    if (r.workload != workload || r.is_baseline()) continue;
    if (const metric_summary* m = headline(r)) return m;
  }
  return nullptr;
}

std::string headline_figure(const results& res, const layout& l, const std::string& workload) {
  const metric_summary* reference = reference_metric(res, workload);
  bar_chart chart;
  chart.width = chart_width;
  chart.unit = reference != nullptr ? reference->unit : "";
  chart.format = &format_quantity;
  std::vector<double> values;
  std::vector<double> levels;
  for (const point& p : l.points) {
    // The records of this point, and the figure of each that the chart can draw.
    std::vector<const record*> row;
    std::vector<const metric_summary*> figures;
    for (const std::string& model : l.models) {
      const record* r = find_record(res, workload, model, p);
      if (r == nullptr) continue;
      const metric_summary* m = headline(*r);
      row.push_back(r);
      figures.push_back(m != nullptr && m->name == reference->name ? m : nullptr);
    }
    if (row.empty()) continue;
    const auto best =
        reference != nullptr ? best_of(figures, reference->lower_is_better) : std::nullopt;
    bar_group g;
    g.label = point_label(l, p);
    for (std::size_t i = 0; i < row.size(); ++i) {
      const record& r = *row[i];
      const metric_summary* m = headline(r);
      if (figures[i] != nullptr) {
        g.bars.push_back(measured_bar(r, *m, l, best == i));
        values.insert(values.end(), {m->stats.median, m->stats.ci_low, m->stats.ci_high});
        levels.push_back(m->stats.ci_level);
      } else if (m != nullptr) {  // another metric than the chart's: said, not drawn
        bar b = unmeasured_bar(r);
        b.text = fmt::format("{} {}", m->name, figure_text(*m));
        b.tooltip = figure_tooltip(r, *m, l);
        g.bars.push_back(std::move(b));
      } else {
        g.bars.push_back(unmeasured_bar(r));
      }
    }
    chart.groups.push_back(std::move(g));
  }
  const std::string detail = reference != nullptr ? metric_title(*reference) : "nothing measured";
  return figure(html_id("chart", workload), caption(workload, detail), draw_bar_chart(chart),
                chart_note(values, levels));
}

// curve(res, l, workload, reference, model, keep, x_of, values) — one model's line: its
// measured headline at each point keep(p) accepts, at x_of(p); each median is added to values.
template <class Keep, class X>
line_series curve(const results& res, const layout& l, const std::string& workload,
                  const metric_summary& reference, const std::string& model, Keep keep, X x_of,
                  std::vector<double>& values) {
  line_series s;
  s.label = model;
  s.colour = colour_of(l, model);
  for (const point& p : l.points) {
    if (!keep(p)) continue;
    const record* r = find_record(res, workload, model, p);
    const metric_summary* m = r != nullptr ? headline(*r) : nullptr;
    if (m == nullptr || m->name != reference.name) continue;
    line_point lp;
    lp.x = x_of(p);
    lp.y = m->stats.median;
    lp.low = m->stats.ci_low;
    lp.high = m->stats.ci_high;
    lp.hollow = r->scaled;
    lp.tooltip = figure_tooltip(*r, *m, l);
    s.points.push_back(lp);
    values.push_back(m->stats.median);
  }
  return s;
}

// curves_figure(res, l, workload, id, x_label, title_suffix, keep, x_of) — the figure of one
// workload's curves over the points keep(p) accepts, x_of(p) along x; empty when no model has
// a point there.
template <class Keep, class X>
std::string curves_figure(const results& res, const layout& l, const std::string& workload,
                          const std::string& id, const std::string& x_label,
                          const std::string& title_suffix, Keep keep, X x_of) {
  const metric_summary* reference = reference_metric(res, workload);
  if (reference == nullptr) return {};
  line_chart chart;
  chart.width = chart_width;
  chart.x_label = x_label;
  chart.y_unit = reference->unit;
  chart.y_format = &format_quantity;
  std::vector<double> values;
  bool scaled = false;
  for (const std::string& model : l.models) {
    line_series s = curve(res, l, workload, *reference, model, keep, x_of, values);
    if (s.points.empty()) continue;
    scaled = scaled || std::any_of(s.points.begin(), s.points.end(),
                                   [](const line_point& p) { return p.hollow; });
    chart.series.push_back(std::move(s));
  }
  if (chart.series.empty()) return {};
  std::string note = uses_log_scale(values) ? "Log scale. " : "";
  note += "Whiskers: the median's confidence interval.";
  if (scaled) note += " Open markers: scaled (^), run at a smaller size.";
  return figure(id, caption(workload + title_suffix, metric_title(*reference)),
                draw_line_chart(chart), xml_escape(note));
}

// The lifecycle figures of spawn_join (bench/report/lifecycle.cpp shows the same as a table).
constexpr std::array<std::string_view, 3> lifecycle_figures = {"create", "start_latency",
                                                               "exit_to_join"};
constexpr std::array<std::string_view, 3> lifecycle_titles = {
    "create: the spawn call", "start: spawn call to the thread's first instruction",
    "exit-join: the later of (last instruction, join call) to join's return"};
constexpr std::array<std::string_view, 3> quantiles = {"p50", "p99", "max"};

// with_metric(res, model, p, name) — the ok record of model at p that carries the metric name.
const record* with_metric(const results& res, const std::string& model, const point& p,
                          std::string_view name) {
  for (const record& r : res.records) {
    if (r.model == model && point_of(r) == p && r.status == record_status::ok &&
        find_metric(r, name) != nullptr)
      return &r;
  }
  return nullptr;
}

bool any_metric(const results& res, std::string_view name) {
  return std::any_of(res.records.begin(), res.records.end(), [&](const record& r) {
    return r.status == record_status::ok && find_metric(r, name) != nullptr;
  });
}

// States, in the order of bench/trace/states.cpp's metrics; the colours are the Okabe–Ito
// hues nearest the trace timeline's (bench/trace/timeline.hpp: ready blue, running green,
// blocked orange).
constexpr std::array<std::string_view, 3> state_metrics = {"ready_share", "running_share",
                                                           "blocked_share"};
constexpr std::array<std::string_view, 3> state_names = {"ready", "running", "blocked"};
constexpr std::array<std::string_view, 3> state_colours = {"#56B4E9", "#009E73", "#E69F00"};

// states_note(note) — the "states: ..." sentence of a record's note, or the whole note.
std::string states_note(const std::string& note) {
  const auto at = note.find("states: ");
  return at == std::string::npos ? note : note.substr(at + 8);
}

// share_row_of(r, l) — r's states as one stacked bar.
share_row share_row_of(const record& r, const layout& l) {
  share_row row;
  row.label = r.model;
  row.swatch = colour_of(l, r.model);
  std::string shares;
  for (std::size_t i = 0; i < state_metrics.size(); ++i) {
    const metric_summary* m = find_metric(r, state_metrics[i]);
    row.shares.push_back(m != nullptr ? m->stats.median : 0);
    shares += fmt::format("{}{} {:.1f}%", i == 0 ? "" : ", ", state_names[i],
                          m != nullptr ? m->stats.median : 0);
  }
  const metric_summary* switches = find_metric(r, "switches");
  const metric_summary* slice = find_metric(r, "mean_slice_ns");
  if (switches != nullptr) row.text = fmt::format("{:.0f} sw", switches->stats.median);
  if (slice != nullptr) {
    row.text += (row.text.empty() ? "" : " · ") + format_quantity(slice->stats.median, slice->unit);
  }
  const std::string where = point_label(l, point_of(r));
  row.tooltip = fmt::format(
      "{} on {}{}: {}; {} switches; mean running slice {}", r.workload, r.model,
      where.empty() ? "" : " (" + where + ")", shares,
      switches != nullptr ? fmt::format("{:.0f}", switches->stats.median) : std::string("-"),
      slice != nullptr ? format_quantity(slice->stats.median, slice->unit) : std::string("-"));
  return row;
}

}  // namespace

std::string headline_section(const results& res, const layout& l) {
  if (l.workloads.empty()) return {};
  std::string out =
      "<section id=\"headline\"><h2>Headline figures</h2>\n"
      "<p class=\"lead\">Each workload's first metric, the median over the repetitions, per "
      "model";
  out += l.points.size() > 1 ? ", grouped by sweep point" : "";
  out += ". Hover over a bar for its interval, spread and size.</p>\n<div class=\"charts\">\n";
  for (const std::string& w : l.workloads) out += headline_figure(res, l, w);
  out += "</div></section>\n";
  return out;
}

std::string scaling_section(const results& res, const layout& l) {
  if (!l.workers_vary() && !l.sizes_vary()) return {};
  std::string out = "<section id=\"scaling\"><h2>Scaling</h2>\n";
  if (l.workers_vary()) {
    out +=
        "<h3>Against workers</h3>\n<p class=\"lead\">The headline at each workers value of "
        "the sweep, one line per model.</p>\n<div class=\"charts\">\n";
    for (const std::string& w : l.workloads) {
      for (const auto& size : l.sizes) {
        const std::string suffix =
            l.sizes_vary() ? "-size-" + (size ? std::to_string(*size) : std::string("default"))
                           : std::string();
        const std::string title =
            l.sizes_vary() ? " · size " + (size ? grouped(*size) : std::string("default"))
                           : std::string();
        out += curves_figure(
            res, l, w, html_id("scaling", w) + suffix, "workers", title,
            [&](const point& p) { return p.size == size; },
            [](const point& p) { return static_cast<double>(p.workers); });
      }
    }
    out += "</div>\n";
  }
  if (l.sizes_vary()) {
    out +=
        "<h3>Against size</h3>\n<p class=\"lead\">The headline at each size of the sweep (the "
        "size asked for; a scaled model ran smaller, see its tooltip), one line per model."
        "</p>\n<div class=\"charts\">\n";
    for (const std::string& w : l.workloads) {
      for (const unsigned workers : l.workers) {
        const std::string suffix =
            l.workers_vary() ? "-workers-" + std::to_string(workers) : std::string();
        const std::string title =
            l.workers_vary() ? fmt::format(" · workers {}", workers) : std::string();
        out += curves_figure(
            res, l, w, html_id("size", w) + suffix, "size", title,
            [&](const point& p) { return p.workers == workers && p.size.has_value(); },
            [](const point& p) { return static_cast<double>(p.size.value_or(0)); });
      }
    }
    out += "</div>\n";
  }
  out += "</section>\n";
  return out;
}

std::string lifecycle_section(const results& res, const layout& l) {
  if (!any_metric(res, "create_p50_ns")) return {};
  std::string out =
      "<section id=\"lifecycle\"><h2>The life of a thread</h2>\n<p class=\"lead\">spawn_join's "
      "instrumented pass: per model, the median over repetitions of each percentile over its "
      "threads, drawn as a range: the dot is p50, the bar runs to p99 and the line to the "
      "max (written in that order). Every figure includes about one clock read (the last "
      "chart).</p>\n<div class=\"charts\">\n";
  for (std::size_t f = 0; f < lifecycle_figures.size(); ++f) {
    bar_chart chart;
    chart.width = chart_width;
    chart.unit = "ns";
    chart.format = &format_quantity;
    std::vector<double> values;
    for (const point& p : l.points) {
      bar_group g;
      g.label = point_label(l, p);
      for (const std::string& model : l.models) {
        std::array<const metric_summary*, quantiles.size()> m{};
        const record* r = nullptr;
        for (std::size_t q = 0; q < quantiles.size(); ++q) {
          const std::string name = fmt::format("{}_{}_ns", lifecycle_figures[f], quantiles[q]);
          r = with_metric(res, model, p, name);
          m[q] = r != nullptr ? find_metric(*r, name) : nullptr;
        }
        if (m[0] == nullptr || m[1] == nullptr || m[2] == nullptr) continue;
        bar b;
        b.label = model;
        b.colour = colour_of(l, model);
        b.from = m[0]->stats.median;
        b.value = m[1]->stats.median;
        b.reach = m[2]->stats.median;
        b.text =
            fmt::format("{} · {} · {}", figure_text(*m[0]), figure_text(*m[1]), figure_text(*m[2]));
        for (const metric_summary* q : m) {
          values.push_back(q->stats.median);
          b.tooltip += (b.tooltip.empty() ? "" : "\n") + figure_tooltip(*r, *q, l);
        }
        g.bars.push_back(std::move(b));
      }
      if (!g.bars.empty()) chart.groups.push_back(std::move(g));
    }
    const std::string_view title = lifecycle_titles[f];
    const auto colon = title.find(':');
    out +=
        figure(html_id("lifecycle", lifecycle_figures[f]),
               caption(std::string(title.substr(0, colon)), std::string(title.substr(colon + 2))),
               draw_bar_chart(chart), chart_note(values, {}) + " p50 · p99 · max.");
  }
  // The clock read, which every figure above includes once.
  bar_chart clock;
  clock.width = chart_width;
  clock.unit = "ns";
  clock.format = &format_quantity;
  std::vector<double> values;
  std::vector<double> levels;
  for (const point& p : l.points) {
    bar_group g;
    g.label = point_label(l, p);
    for (const std::string& model : l.models) {
      const record* r = with_metric(res, model, p, "clock_overhead_ns");
      if (r == nullptr) continue;
      const metric_summary& m = *find_metric(*r, "clock_overhead_ns");
      g.bars.push_back(measured_bar(*r, m, l));
      values.insert(values.end(), {m.stats.median, m.stats.ci_low, m.stats.ci_high});
      levels.push_back(m.stats.ci_level);
    }
    if (!g.bars.empty()) clock.groups.push_back(std::move(g));
  }
  if (!clock.groups.empty()) {
    out += figure(html_id("lifecycle", "clock"),
                  caption("clock", "one clock read, measured in the same run"),
                  draw_bar_chart(clock), chart_note(values, levels));
  }
  out += "</div>\n</section>\n";
  return out;
}

std::string states_section(const results& res, const layout& l) {
  if (!any_metric(res, "running_share")) return {};
  std::string out =
      "<section id=\"states\"><h2>Where thread-time goes</h2>\n<p class=\"lead\">--states: the "
      "share of thread-time (the sum over threads of creation to termination, created counted "
      "as ready) each state took, medians; right of each bar the switches (sw) and the mean "
      "running slice.</p>\n<div class=\"charts\">\n";
  std::vector<std::string> notes;
  for (const std::string& w : l.workloads) {
    share_chart chart;
    chart.width = chart_width;
    for (std::size_t i = 0; i < state_names.size(); ++i) {
      chart.parts.push_back({std::string(state_names[i]), std::string(state_colours[i])});
    }
    for (const point& p : l.points) {
      share_group g;
      g.label = point_label(l, p);
      for (const std::string& model : l.models) {
        const record* r = find_record(res, w, model, p);
        if (r == nullptr || r->status != record_status::ok) continue;
        if (r->note.find("states: ") != std::string::npos) {
          const std::string note = states_note(r->note);
          if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
        }
        if (find_metric(*r, "running_share") == nullptr) continue;
        g.rows.push_back(share_row_of(*r, l));
      }
      if (!g.rows.empty()) chart.groups.push_back(std::move(g));
    }
    if (chart.groups.empty()) continue;
    out += figure(html_id("states", w), caption(w, "ready / running / blocked"),
                  draw_share_chart(chart), "");
  }
  out += "</div>\n";
  if (!notes.empty()) {
    out += "<h3>Observed or inferred, per model</h3>\n<ul class=\"notes\">\n";
    for (const std::string& n : notes) out += "<li>" + xml_escape(n) + "</li>\n";
    out += "</ul>\n";
  }
  out += "</section>\n";
  return out;
}

}  // namespace threadlab::html
