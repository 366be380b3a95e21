// bench/trace/svg.cpp — drawing a timeline as SVG (see trace_svg.hpp for the picture).
#include "bench/trace/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <vector>

#include "bench/report/svg_chart.hpp"  // xml_escape

namespace threadlab {

namespace {

// Layout, in pixels. Chosen by eye on the pingpong pictures of docs/timeline.md.
constexpr int label_width = 190;
constexpr int right_margin = 20;
constexpr int bar_height = 14;
constexpr int strip_height = 5;
constexpr int row_gap = 4;
constexpr int axis_below_legend = 34;  // from the legend's top to the axis line
constexpr int rows_below_axis = 8;     // from the axis line to the first row
constexpr std::size_t label_chars = 28;

// worker_colours — a qualitative palette (10 colours, repeated for more workers).
constexpr std::array<const char*, 10> worker_colours = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                                        "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                                        "#9c755f", "#bab0ac"};

const char* worker_colour(std::int32_t worker) {
  return worker_colours[static_cast<std::size_t>(worker) % worker_colours.size()];
}

// shortened(name, limit) — name cut to limit code points, with "…" when cut.
std::string shortened(const std::string& name, std::size_t limit = label_chars) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++points > limit - 1) return name.substr(0, i) + "…";
  }
  return name;
}

// time_unit — the unit the axis counts in, chosen from the tick step.
struct time_unit {
  double ns;
  const char* symbol;
};

time_unit unit_for(double step_ns) {
  if (step_ns >= 1e9) return {1e9, "s"};
  if (step_ns >= 1e6) return {1e6, "ms"};
  if (step_ns >= 1e3) return {1e3, "µs"};
  return {1, "ns"};
}

// tick_step(range_ns) — 1, 2 or 5 × 10^k ns (at least 1 ns), giving about 6 to 15 ticks.
double tick_step(double range_ns) {
  const double raw = std::max(range_ns / 8, 1.0);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

// column — what one pixel column of one row holds.
struct column {
  std::array<double, 4> coverage{};  // pixels covered per span state (index: thread_state)
  std::int32_t worker = -1;          // worker of the span covering most of the column
  double worker_cover = -1;
  bool covered() const { return coverage[0] + coverage[1] + coverage[2] + coverage[3] > 0; }
  int dominant() const {
    return static_cast<int>(std::max_element(coverage.begin(), coverage.end()) - coverage.begin());
  }
};

// axis_origin(tl) — where the time axis starts: the first moment any thread runs. What comes
// before it is the model's start-up (kernel workers being created, the body not yet
// dispatched), which can be most of a short trace and would squeeze the workload itself into
// a few pixels at the right edge. The subtitle says how much was cut.
std::uint64_t axis_origin(const timeline& tl) {
  std::uint64_t origin = tl.end_ns;
  for (const thread_track& track : tl.tracks) {
    for (const span& s : track.spans) {
      if (s.state == thread_state::running) origin = std::min(origin, s.begin_ns);
    }
  }
  return origin < tl.end_ns ? origin : tl.begin_ns;
}

// columns_of(track, t0, ns_per_px, width) — the track cut into width pixel columns.
std::vector<column> columns_of(const thread_track& track, std::uint64_t t0, double ns_per_px,
                               int width) {
  std::vector<column> cols(static_cast<std::size_t>(width));
  for (const span& s : track.spans) {
    if (s.end_ns < t0) continue;  // before the axis starts (see axis_origin)
    const double x0 =
        std::max(static_cast<double>(s.begin_ns) - static_cast<double>(t0), 0.0) / ns_per_px;
    const double x1 = static_cast<double>(s.end_ns - t0) / ns_per_px;
    const int first = std::clamp(static_cast<int>(std::floor(x0)), 0, width - 1);
    const int last = std::clamp(static_cast<int>(std::ceil(x1)) - 1, first, width - 1);
    for (int c = first; c <= last; ++c) {
      // A zero-length span still counts, a little, so that its column is drawn.
      const double cover = std::max(std::min(x1, c + 1.0) - std::max(x0, double(c)), 1e-9);
      column& col = cols[static_cast<std::size_t>(c)];
      col.coverage[static_cast<std::size_t>(s.state)] += cover;
      if (cover > col.worker_cover) {
        col.worker_cover = cover;
        col.worker = s.worker;
      }
    }
  }
  return cols;
}

// draw_row(out, track, cols, x, y, has_workers) — the bar, and the worker strip and numbers.
void draw_row(std::string& out, const std::vector<column>& cols, int x, int y, bool has_workers) {
  auto it = std::back_inserter(out);
  const int width = static_cast<int>(cols.size());
  for (int c = 0; c < width;) {
    const column& col = cols[static_cast<std::size_t>(c)];
    if (!col.covered()) {
      ++c;
      continue;
    }
    const int state = col.dominant();
    const std::int32_t worker = col.worker;
    int end = c + 1;
    while (end < width && cols[static_cast<std::size_t>(end)].covered() &&
           cols[static_cast<std::size_t>(end)].dominant() == state &&
           cols[static_cast<std::size_t>(end)].worker == worker)
      ++end;
    fmt::format_to(it, "<rect class=\"s{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", state,
                   x + c, y, end - c, bar_height);
    if (has_workers && worker >= 0) {
      fmt::format_to(it, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", x + c,
                     y + bar_height, end - c, strip_height, worker_colour(worker));
      if (end - c >= 16) {
        fmt::format_to(it, "<text class=\"w\" x=\"{}\" y=\"{}\">{}</text>", x + (c + end) / 2.0,
                       y + bar_height - 3, worker);
      }
    }
    out += '\n';
    c = end;
  }
}

}  // namespace

std::string timeline_svg(const timeline& tl, const trace_info& info, const svg_options& opts) {
  const int width = std::max(opts.width, 400);
  const int plot_width = width - label_width - right_margin;
  const std::size_t rows = std::min(tl.tracks.size(), opts.max_rows);
  const std::size_t hidden = tl.tracks.size() - rows;
  const int row_height = bar_height + (tl.has_workers ? strip_height : 0) + row_gap;
  const int info_lines = (info.configuration.empty() ? 0 : 1) + (info.provenance.empty() ? 0 : 1);
  const int legend_y = 37 + 14 * info_lines + 9;  // top of the legend swatches
  const int axis_top = legend_y + axis_below_legend;
  const int rows_top = axis_top + rows_below_axis;
  const int height = rows_top + static_cast<int>(rows) * row_height + (hidden > 0 ? 24 : 0) +
                     (tl.dropped > 0 ? 20 : 0) + (rows == 0 ? 24 : 12);

  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                 "viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
                 "font-size=\"11\">\n",
                 width, height);
  out += "<style>";
  for (const thread_state s : span_states) {
    fmt::format_to(it, ".s{}{{fill:{}}}", static_cast<int>(s), style_of(s).rgb);
  }
  out +=
      ".w{font-size:9px;text-anchor:middle;fill:#222}.tick{font-size:10px;"
      "text-anchor:middle;fill:#444}.grid{stroke:#e4e4e4;stroke-width:1}</style>\n";
  fmt::format_to(it, "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);

  // Title and legend.
  fmt::format_to(it, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
                 xml_escape(fmt::format("{} on {}", info.workload, info.model)));
  const std::uint64_t t0 = axis_origin(tl);
  const double range_ns = static_cast<double>(tl.end_ns - t0);
  const double startup_ns = static_cast<double>(t0 - tl.begin_ns);
  const double step_ns = tick_step(range_ns);
  const time_unit unit = unit_for(step_ns);
  fmt::format_to(it, "<text x=\"10\" y=\"37\" fill=\"#444\">{}</text>\n",
                 xml_escape(fmt::format(
                     "size {} · {} threads · {} events over {:.4g} {}{}", info.size,
                     tl.tracks.size(), tl.recorded, range_ns / unit.ns, unit.symbol,
                     startup_ns > 0 ? fmt::format(" · axis from the first running thread "
                                                  "({:.4g} {} of start-up before it not shown)",
                                                  startup_ns / unit.ns, unit.symbol)
                                    : std::string())));
  // The configuration and provenance lines are cut to the width (about 6 px per character);
  // the whole text is in their tooltips.
  const std::size_t line_chars = static_cast<std::size_t>(width - 20) / 6;
  int info_y = 37;
  for (const std::string* line : {&info.configuration, &info.provenance}) {
    if (line->empty()) continue;
    info_y += 14;
    fmt::format_to(it,
                   "<text x=\"10\" y=\"{}\" font-size=\"10\" fill=\"#666\"><title>{}</title>{}"
                   "</text>\n",
                   info_y, xml_escape(*line), xml_escape(shortened(*line, line_chars)));
  }
  int lx = 10;
  for (const thread_state s : span_states) {
    fmt::format_to(it,
                   "<rect class=\"s{}\" x=\"{}\" y=\"{}\" width=\"12\" height=\"12\"/>"
                   "<text x=\"{}\" y=\"{}\">{}</text>\n",
                   static_cast<int>(s), lx, legend_y, lx + 16, legend_y + 10, to_string(s));
    lx += 30 + 7 * static_cast<int>(to_string(s).size());
  }
  if (tl.has_workers) {
    lx += 10;
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\">worker (strip under each row):</text>\n", lx,
                   legend_y + 10);
    lx += 185;
    std::int32_t max_worker = 0;
    for (const thread_track& track : tl.tracks) {
      for (const span& s : track.spans) max_worker = std::max(max_worker, s.worker);
    }
    for (std::int32_t w = 0; w <= max_worker && w < 10 && lx < width - 40; ++w) {
      fmt::format_to(it,
                     "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"8\" fill=\"{}\"/>"
                     "<text x=\"{}\" y=\"{}\">{}</text>\n",
                     lx, legend_y + 2, worker_colour(w), lx + 15, legend_y + 10, w);
      lx += 32;
    }
  }

  // Time axis, with a light grid line down through the rows at each tick.
  const double ns_per_px = std::max(range_ns, 1.0) / plot_width;
  const int rows_bottom = rows_top + static_cast<int>(rows) * row_height;
  fmt::format_to(it, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#888\"/>\n",
                 label_width, axis_top, label_width + plot_width);
  for (double t = 0; t <= range_ns + step_ns / 2 && t / ns_per_px <= plot_width + 0.5;
       t += step_ns) {
    const double x = label_width + t / ns_per_px;
    fmt::format_to(it,
                   "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
                   "<line x1=\"{0:.1f}\" y1=\"{3}\" x2=\"{0:.1f}\" y2=\"{1}\" stroke=\"#888\"/>"
                   "<text class=\"tick\" x=\"{0:.1f}\" y=\"{4}\">{5:.0f} {6}</text>\n",
                   x, axis_top, rows_bottom, axis_top - 4, axis_top - 6, t / unit.ns, unit.symbol);
  }

  // Rows.
  for (std::size_t r = 0; r < rows; ++r) {
    const thread_track& track = tl.tracks[r];
    const int y = rows_top + static_cast<int>(r) * row_height;
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\"><title>{}</title>{}</text>\n",
                   label_width - 8, y + bar_height - 3, xml_escape(track.name),
                   xml_escape(shortened(track.name)));
    draw_row(out, columns_of(track, t0, ns_per_px, plot_width), label_width, y, tl.has_workers);
  }
  int y = rows_bottom + 14;
  if (hidden > 0) {
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" fill=\"#444\">+{} more threads</text>\n",
                   label_width, y, hidden);
    y += 20;
  }
  if (tl.dropped > 0) {
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" fill=\"#b00000\">{}</text>\n", label_width, y,
                   xml_escape("trace truncated: " + dropped_warning(tl)));
  }
  if (tl.tracks.empty()) {
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" fill=\"#444\">no events recorded</text>\n",
                   label_width, rows_top + 12);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace threadlab
