// bench/report/html.cpp — the HTML report's page (see html.hpp): the head and stylesheet, the
// run's summary, and the sections without charts (baselines, problems, environment); the
// chart sections are report/html_charts.cpp.
#include "bench/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "bench/report/html_charts.hpp"
#include "bench/report/html_layout.hpp"
#include "bench/report/summary_grid.hpp"
#include "bench/report/svg_chart.hpp"
#include "bench/report/units.hpp"

namespace threadlab {

namespace {

using namespace html;

// stylesheet — the page's only style. Charts two to a row in a 1240-pixel column; text in the
// fonts the machine has (nothing is fetched).
constexpr std::string_view stylesheet = R"(
body{margin:0;background:#fff;color:#222;font:14px/1.45 "DejaVu Sans",Verdana,Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:12px 20px 40px}
h1{font-size:24px;margin:6px 0 2px}
h2{font-size:19px;margin:26px 0 6px;padding-bottom:3px;border-bottom:1px solid #ccc}
h3{font-size:15px;margin:16px 0 4px}
p{margin:4px 0}
.lead{color:#444;margin-bottom:8px}
.run{color:#444}
nav{margin:6px 0}
nav a{margin-right:14px;color:#0b5394}
ul.models{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 20px}
.swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px}
.marks{font-size:13px;color:#444}
.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px}
figure.chart{margin:0;padding:8px 10px;border:1px solid #ddd;border-radius:4px}
figcaption{margin-bottom:4px}
figcaption .metric{color:#555;font-size:13px}
svg.chart{display:block;max-width:100%;height:auto;font:11px "DejaVu Sans",Verdana,Arial,sans-serif}
svg .tick{fill:#555;font-size:10px}
svg .grid{stroke:#e8e8e8}
svg .axis{stroke:#888;fill:none}
svg .whisker{stroke:#222;stroke-width:1.3;fill:none}
svg .series{fill:none;stroke-width:2}
svg .group{font-weight:bold;fill:#333}
svg .bad{fill:#b00000;font-weight:bold}
svg .muted{fill:#777;font-style:italic}
.note{color:#555;font-size:12px;margin-top:4px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 8px}
th,td{border-bottom:1px solid #e4e4e4;padding:3px 14px 3px 0;text-align:left;vertical-align:top}
th{color:#444}
td.num,td.model{white-space:nowrap}
td.num{text-align:right}
.bad{color:#b00000}
ul.problems li{margin:2px 0}
)";

std::string td(const std::string& text, bool number = false) {
  return fmt::format("<td{}>{}</td>", number ? " class=\"num\"" : "", xml_escape(text));
}

std::string swatch(const std::string& colour) {
  return fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>", xml_escape(colour));
}

// values_text(values) — "1, 2, 4".
template <class T, class F>
std::string values_text(const std::vector<T>& values, F text) {
  std::string out;
  for (const T& v : values) out += (out.empty() ? "" : ", ") + text(v);
  return out;
}

std::string size_text(const std::optional<std::uint64_t>& size) {
  return size ? grouped(*size) : std::string("each workload's default");
}

// run_summary(res, l) — the title, the run in one line, the sections, the model colours and
// what the marks mean.
std::string run_summary(const results& res, const layout& l,
                        const std::vector<std::pair<std::string, std::string>>& sections) {
  const environment& e = res.env;
  const parameters& p = res.params;
  const std::string revision =
      e.git_revision.size() > 12 ? e.git_revision.substr(0, 12) : e.git_revision;
  const std::string line = fmt::format(
      "{} · git {}{} · {}, {} logical cores · median of {} repetition{} after {} warm-up{} · "
      "workers {} · size {}",
      e.date_utc, revision, e.git_dirty.value_or(false) ? " (dirty)" : "", e.cpu_model,
      e.logical_cores, p.repetitions, p.repetitions == 1 ? "" : "s", p.warmup,
      p.warmup == 1 ? "" : "s",
      values_text(l.workers, [](unsigned w) { return std::to_string(w); }),
      values_text(l.sizes, size_text));
  std::string out = "<header>\n<h1>threadlab report</h1>\n";
  out += "<p class=\"run\">" + xml_escape(line) + "</p>\n<nav>";
  for (const auto& [id, title] : sections) {
    out += fmt::format("<a href=\"#{}\">{}</a>", xml_escape(id), xml_escape(title));
  }
  out += "</nav>\n<ul class=\"models\">\n";
  for (const std::string& m : l.models) {
    out += "<li>" + swatch(colour_of(l, m)) + xml_escape(m) + "</li>\n";
  }
  out += "</ul>\n<p class=\"marks\">";
  out += xml_escape(fmt::format(
      "{} best of its group · {} unstable: MAD above {:.0f}% of the median, too noisy to rank "
      "models by · {} scaled: run at a smaller size (see Problems) · whisker: the median's "
      "confidence interval · hover over a figure for its details",
      best_mark, unstable_mark, unstable_threshold * 100, scaled_mark));
  return out + "</p>\n</header>\n";
}

std::string baselines_section(const results& res, const layout& l) {
  if (l.baselines.empty()) return {};
  const bool points = l.points.size() > 1;
  std::string out =
      "<section id=\"baselines\"><h2>Baselines</h2>\n<p class=\"lead\">Measured beside the "
      "models with no model: the floors a model can approach.</p>\n<table>\n<tr><th>baseline</th>";
  out += points ? "<th>point</th>" : "";
  out +=
      "<th>metric</th><th>median</th><th>interval of the median</th><th>min – max</th>"
      "</tr>\n";
  for (const record& r : res.records) {
    if (!r.is_baseline()) continue;
    out += "<tr>" + td(r.workload) + (points ? td(point_label(l, point_of(r))) : "");
    const metric_summary* m = headline(r);
    if (m == nullptr) {
      out += fmt::format("<td colspan=\"4\"{}>{}</td></tr>\n",
                         r.status == record_status::error ? " class=\"bad\"" : "",
                         xml_escape(fmt::format("{}: {}", to_string(r.status), r.reason)));
      continue;
    }
    out += td(metric_title(*m)) + td(figure_text(*m) + (m->stats.unstable ? "~" : ""), true) +
           td(fmt::format("{} – {} ({:.0f}%)", format_quantity(m->stats.ci_low, m->unit),
                          format_quantity(m->stats.ci_high, m->unit), m->stats.ci_level * 100),
              true) +
           td(fmt::format("{} – {}", format_quantity(m->stats.min, m->unit),
                          format_quantity(m->stats.max, m->unit)),
              true) +
           "</tr>\n";
  }
  return out + "</table>\n</section>\n";
}

// problem_list(title, items, css) — a titled list, or nothing for no items.
std::string problem_list(const char* title, const std::vector<std::string>& items,
                         const char* css = "") {
  if (items.empty()) return {};
  std::string out = fmt::format("<h3>{}</h3>\n<ul class=\"problems\">\n", title);
  for (const std::string& item : items) {
    out += fmt::format("<li{}>{}</li>\n", css, xml_escape(item));
  }
  return out + "</ul>\n";
}

std::string problems_section(const results& res, const layout& l) {
  std::vector<std::string> errors;
  std::vector<std::string> skipped;
  std::vector<std::string> scaled;
  std::vector<std::string> dumps;
  for (const record& r : res.records) {
    const std::string where = point_label(l, point_of(r));
    const std::string pair =
        (r.is_baseline() ? r.workload + " (baseline)" : r.workload + " on " + r.model) +
        (where.empty() ? "" : " (" + where + ")");
    if (r.status == record_status::error || r.status == record_status::interrupted) {
      errors.push_back(pair + ": " + r.reason);
    }
    if (!r.dump.empty()) dumps.push_back(pair + ":\n" + r.dump);
    if (r.status == record_status::skipped) skipped.push_back(pair + ": " + r.reason);
    if (r.scaled) scaled.push_back(pair + ": " + r.note);
  }
  std::string out = "<section id=\"problems\"><h2>Errors, skips and scaled results</h2>\n";
  if (errors.empty() && skipped.empty() && scaled.empty() && res.interrupted.empty()) {
    out += "<p>None: every pair ran at the size asked for.</p>\n";
  }
  if (!res.interrupted.empty()) {
    out += "<p class=\"bad\">" + xml_escape(interruption_line(res)) + "</p>\n";
  }
  out += problem_list("Errors", errors, " class=\"bad\"");
  if (!dumps.empty()) {
    out += "<h3>What the hung pairs' threads were doing</h3>\n";
    for (const std::string& d : dumps) out += "<pre>" + xml_escape(d) + "</pre>\n";
  }
  out += problem_list("Skipped", skipped);
  out += problem_list("Scaled (^)", scaled);
  return out + "</section>\n";
}

std::string environment_section(const results& res, const layout& l) {
  const environment& e = res.env;
  const parameters& p = res.params;
  const std::vector<std::pair<const char*, std::string>> machine = {
      {"CPU", e.cpu_model},
      {"logical cores", std::to_string(e.logical_cores)},
      {"cores used", std::to_string(e.cores_used)},
      {"CPU governor", e.cpu_governor},
      {"kernel", e.kernel},
      {"compiler", e.compiler},
      {"flags", e.cxx_flags},
      {"build type", e.build_type},
      {"Boost", e.boost_version},
      {"git revision",
       e.git_revision + (e.git_dirty ? (*e.git_dirty ? " (dirty)" : " (clean)") : "")},
      {"date (UTC)", e.date_utc},
      {"host", e.hostname},
      {"warm-up runs", std::to_string(p.warmup)},
      {"repetitions", std::to_string(p.repetitions)},
      {"watchdog", fmt::format("{:g} s per run", p.timeout_s)},
      {"workers", values_text(l.workers, [](unsigned w) { return std::to_string(w); })},
      {"stack size", p.stack_size == 0 ? std::string("each model's own") : grouped(p.stack_size)},
      {"size", values_text(l.sizes, size_text)},
  };
  std::string out = "<section id=\"environment\"><h2>Environment and configuration</h2>\n<table>\n";
  for (const auto& [name, value] : machine) {
    out += fmt::format("<tr><th>{}</th>{}</tr>\n", name, td(value));
  }
  out += "</table>\n<h3>Each model's configuration</h3>\n<table>\n";
  out += "<tr><th>model</th><th>configuration</th></tr>\n";
  std::vector<std::pair<std::string, std::string>> seen;
  for (const record& r : res.records) {
    if (r.is_baseline() || r.configuration.empty()) continue;
    const std::pair<std::string, std::string> entry{r.model, r.configuration};
    if (std::find(seen.begin(), seen.end(), entry) != seen.end()) continue;
    seen.push_back(entry);
    out += "<tr><td class=\"model\">" + swatch(colour_of(l, r.model)) + xml_escape(r.model) +
           "</td>" + td(r.configuration) + "</tr>\n";
  }
  return out + "</table>\n</section>\n";
}

}  // namespace

std::string html_id(std::string_view prefix, std::string_view name) {
  std::string id(prefix);
  id += '-';
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    id += plain ? c : '_';
  }
  return id;
}

std::string render_html(const results& res) {
  const layout l = layout_of(res);
  // The sections in page order, with their ids and the titles the navigation shows.
  struct section {
    const char* id;
    const char* title;
    std::string body;
  };
  const std::vector<section> sections = {
      {"headline", "Headline", headline_section(res, l)},
      {"scaling", "Scaling", scaling_section(res, l)},
      {"lifecycle", "Lifecycle", lifecycle_section(res, l)},
      {"states", "States", states_section(res, l)},
      {"baselines", "Baselines", baselines_section(res, l)},
      {"problems", "Problems", problems_section(res, l)},
      {"environment", "Environment", environment_section(res, l)},
  };
  std::vector<std::pair<std::string, std::string>> nav;
  for (const section& s : sections) {
    if (!s.body.empty()) nav.emplace_back(s.id, s.title);
  }

  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // Nothing may be fetched or run: styles come only from this file.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>threadlab report {}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
      xml_escape(res.env.date_utc), stylesheet);
  out += run_summary(res, l, nav);
  for (const section& s : sections) out += s.body;
  out +=
      "<p class=\"note\">Written by threadlab from a threadlab.results/1 file; every figure is "
      "in its JSON, with the samples.</p>\n</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace threadlab
