// bench/report/svg_chart.cpp — drawing the report's charts as SVG (see svg_chart.hpp).
#include "bench/report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "bench/report/units.hpp"

namespace threadlab {

namespace {

// Layout, in pixels, for the 11-pixel text of the report's stylesheet. Chosen by eye on the
// charts of docs/report.png.
constexpr double char_width = 6.6;  // a generous average advance of an 11 px sans-serif glyph
constexpr int bar_height = 13;
constexpr int bar_pitch = 18;    // bar_height plus the gap to the next bar
constexpr int group_label = 17;  // the line above a group's bars
constexpr int group_gap = 6;     // after a group's last bar
constexpr int axis_height = 24;  // the value axis under the bars: line and tick labels
constexpr int max_label_chars = 22;

// text_px(text) — about how wide text is drawn.
int text_px(std::string_view text) {
  return static_cast<int>(std::ceil(static_cast<double>(display_width(text)) * char_width));
}

// shortened(text, limit) — text cut to limit code points, with "…" when cut.
std::string shortened(const std::string& text, std::size_t limit) {
  if (display_width(text) <= limit) return text;
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++points == limit) return text.substr(0, i) + "…";
  }
  return text;
}

// title(tooltip) — a <title> child (a tooltip), or nothing for an empty tooltip.
std::string title(const std::string& tooltip) {
  return tooltip.empty() ? std::string() : "<title>" + xml_escape(tooltip) + "</title>";
}

// compact(text) — a formatted number without trailing zeros after its decimal point:
// "1.00 µs" → "1 µs", "2.50 M ops/s" → "2.5 M ops/s".
std::string compact(const std::string& text) {
  const auto end = text.find_first_not_of("-0123456789.");
  const std::string number = text.substr(0, end);
  if (number.find('.') == std::string::npos) return text;
  std::string trimmed = number;
  while (trimmed.back() == '0') trimmed.pop_back();
  if (trimmed.back() == '.') trimmed.pop_back();
  return trimmed + (end == std::string::npos ? std::string() : text.substr(end));
}

std::string tick_text(double v, std::string_view unit, value_format format) {
  if (v == 0) return "0";
  return compact(format != nullptr ? format(v, unit) : fmt::format("{:.3g}", v));
}

// nice_step(raw, binary) — the smallest 1, 2 or 5 × 10^k at least raw (raw > 0); with binary,
// the same in units of the largest power of 1024 not above raw (2 KiB, 50 MiB...).
double nice_step(double raw, bool binary = false) {
  if (binary && raw >= 1024) {
    const double unit = std::pow(1024.0, std::floor(std::log(raw) / std::log(1024.0)));
    return unit * nice_step(raw / unit);
  }
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * power >= raw * 0.999) return m * power;
  }
  return 10 * power;
}

// axis — a value axis: linear over [lo, hi] with ticks every step, or logarithmic over the
// decades [lo, hi].
struct axis {
  double lo = 0;
  double hi = 1;
  bool log = false;
  double step = 1;  // linear only

  // fraction(v) — where v falls, 0 at lo and 1 at hi; clamped.
  double fraction(double v) const {
    double f = 0;
    if (log) {
      f = v <= 0 ? 0 : (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
      f = (v - lo) / (hi - lo);
    }
    return std::clamp(f, 0.0, 1.0);
  }

  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      for (double v = lo; v <= hi * 1.0001; v *= 10) t.push_back(v);
    } else {
      for (double v = lo; v <= hi + step / 2; v += step)
        t.push_back(std::fabs(v) < step / 1e6 ? 0 : v);
    }
    return t;
  }
};

// is_bytes(unit) — true for a unit that format_quantity writes in KiB, MiB, GiB.
bool is_bytes(std::string_view unit) { return unit == "bytes" || unit == "B"; }

// finite(values) — the finite ones.
std::vector<double> finite(const std::vector<double>& values) {
  std::vector<double> out;
  std::copy_if(values.begin(), values.end(), std::back_inserter(out),
               [](double v) { return std::isfinite(v); });
  return out;
}

// axis_for(values, binary) — the axis every value fits on (see uses_log_scale); linear axes
// start at 0. binary: steps in powers of 1024 (bytes: KiB, MiB), so that ticks are round there.
axis axis_for(const std::vector<double>& values, bool binary = false) {
  const std::vector<double> v = finite(values);
  axis a;
  if (v.empty()) return a;
  const auto [min_it, max_it] = std::minmax_element(v.begin(), v.end());
  const double min = *min_it;
  const double max = *max_it;
  if (uses_log_scale(v)) {
    a.log = true;
    a.lo = std::pow(10.0, std::floor(std::log10(min)));
    a.hi = std::pow(10.0, std::ceil(std::log10(max)));
    if (a.hi <= a.lo) a.hi = a.lo * 10;
    return a;
  }
  const double lo = std::min(min, 0.0);
  const double hi = std::max(max, 0.0);
  a.step = hi > lo ? nice_step((hi - lo) / 5, binary) : 1;
  a.lo = std::floor(lo / a.step) * a.step;
  a.hi = std::max(std::ceil(hi / a.step) * a.step, a.lo + a.step);
  return a;
}

// svg_open(out, width, height) — the root element; the stylesheet of the page styles it.
void svg_open(std::string& out, int width, int height) {
  fmt::format_to(std::back_inserter(out),
                 "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                 "role=\"img\">\n",
                 width, height);
}

// vertical_grid(out, a, x0, width, top, bottom, unit, format) — a light line up from the axis
// at each tick and the tick's text under the axis line at bottom.
void vertical_grid(std::string& out, const axis& a, int x0, int width, int top, int bottom,
                   std::string_view unit, value_format format) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", x0,
                 bottom, x0 + width);
  for (const double t : a.ticks()) {
    const double x = x0 + a.fraction(t) * width;
    fmt::format_to(
        it,
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        x, top, bottom, bottom + 14, xml_escape(tick_text(t, unit, format)));
  }
}

// whisker(out, x1, x2, y, horizontal) — an interval with end caps, across y (horizontal) or
// along x = y (vertical: x1, x2 are then y coordinates).
void whisker(std::string& out, double from, double to, double at, bool horizontal) {
  if (std::fabs(to - from) < 0.5) return;  // a point: nothing to draw
  auto it = std::back_inserter(out);
  if (horizontal) {
    fmt::format_to(it,
                   "<path class=\"whisker\" d=\"M{0:.1f} {1:.1f}H{2:.1f}M{0:.1f} {3:.1f}V{4:.1f}"
                   "M{2:.1f} {3:.1f}V{4:.1f}\"/>",
                   from, at, to, at - 4, at + 4);
  } else {
    fmt::format_to(it,
                   "<path class=\"whisker\" d=\"M{1:.1f} {0:.1f}V{2:.1f}M{3:.1f} {0:.1f}H{4:.1f}"
                   "M{3:.1f} {2:.1f}H{4:.1f}\"/>",
                   from, at, to, at - 4, at + 4);
  }
}

// legend(out, items, width, y) — swatches and names in rows across width from y; returns the
// y under the last row.
int legend(std::string& out, const std::vector<std::pair<std::string, std::string>>& items,
           int width, int y, bool as_lines) {
  auto it = std::back_inserter(out);
  int x = 4;
  for (const auto& [name, colour] : items) {
    const std::string label = shortened(name, max_label_chars);
    const int item_width = 22 + text_px(label) + 14;
    if (x > 4 && x + item_width > width) {
      x = 4;
      y += 16;
    }
    if (as_lines) {
      fmt::format_to(it,
                     "<path d=\"M{0} {1}h16\" stroke=\"{2}\" stroke-width=\"2\"/>"
                     "<circle cx=\"{3}\" cy=\"{1}\" r=\"3.5\" fill=\"{2}\"/>",
                     x, y + 6, xml_escape(colour), x + 8);
    } else {
      fmt::format_to(it, "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>", x, y,
                     xml_escape(colour));
    }
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\">{}{}</text>\n", x + (as_lines ? 21 : 16), y + 10,
                   title(name), xml_escape(label));
    x += item_width;
  }
  return y + 20;
}

// x_tick_text(v) — an x tick: a whole number with thousands separators, else 3 digits.
std::string x_tick_text(double v) {
  if (v != std::floor(v) || std::fabs(v) >= 1e15) return fmt::format("{:.3g}", v);
  std::string digits = fmt::format("{}", static_cast<long long>(std::fabs(v)));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return (v < 0 ? "-" : "") + digits;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out += c;
        }
    }
  }
  return out;
}

bool uses_log_scale(const std::vector<double>& values) {
  const std::vector<double> v = finite(values);
  if (v.empty()) return false;
  const auto [min, max] = std::minmax_element(v.begin(), v.end());
  return *min > 0 && *max / *min > log_scale_ratio;
}

std::string draw_bar_chart(const bar_chart& c) {
  std::vector<double> values;
  std::size_t label_chars = 4;
  int text_width = 40;
  int height = 6 + axis_height;
  for (const bar_group& g : c.groups) {
    height += (g.label.empty() ? 0 : group_label) + group_gap;
    for (const bar& b : g.bars) {
      height += bar_pitch;
      for (const auto& v : {b.value, b.low, b.high, b.from, b.reach}) {
        if (v) values.push_back(*v);
      }
      label_chars = std::max(label_chars, std::min(display_width(b.label), std::size_t{22}));
      text_width = std::max(text_width, text_px(b.text) + 10);
    }
  }
  const axis a = axis_for(values, is_bytes(c.unit));
  const int label_width = 10 + static_cast<int>(static_cast<double>(label_chars) * char_width);
  text_width = std::min(text_width, c.width / 3);
  const int plot_x = label_width;
  const int plot_width = c.width - label_width - text_width;
  const int plot_top = 4;
  const int plot_bottom = height - axis_height;

  std::string out;
  auto it = std::back_inserter(out);
  svg_open(out, c.width, height);
  vertical_grid(out, a, plot_x, plot_width, plot_top, plot_bottom, c.unit, c.format);
  auto x_of = [&](double v) { return plot_x + a.fraction(v) * plot_width; };
  const double origin = a.log ? plot_x : x_of(0);
  int y = plot_top + 2;
  for (const bar_group& g : c.groups) {
    if (!g.label.empty()) {
      fmt::format_to(it, "<text class=\"group\" x=\"4\" y=\"{}\">{}</text>\n", y + 11,
                     xml_escape(g.label));
      y += group_label;
    }
    for (const bar& b : g.bars) {
      const int middle = y + bar_height / 2;
      fmt::format_to(it, "<g>{}<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                     title(b.tooltip), label_width - 6, y + 10,
                     xml_escape(shortened(b.label, max_label_chars)));
      double text_x = plot_x + 4;
      if (b.value) {
        const double start = b.from ? x_of(*b.from) : origin;
        const double end = x_of(*b.value);
        fmt::format_to(it,
                       "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>",
                       std::min(start, end), y, std::max(std::fabs(end - start), 1.0), bar_height,
                       xml_escape(b.colour));
        if (b.from) {
          fmt::format_to(it,
                         "<circle cx=\"{:.1f}\" cy=\"{}\" r=\"3.5\" fill=\"#ffffff\" "
                         "stroke=\"#222\" stroke-width=\"1.3\"/>",
                         start, middle);
        }
        text_x = std::max(end, start) + 5;
        if (b.reach) {
          const double to = x_of(*b.reach);
          fmt::format_to(it, "<path class=\"whisker\" d=\"M{0:.1f} {1}H{2:.1f}M{2:.1f} {3}V{4}\"/>",
                         end, middle, to, middle - 4, middle + 4);
          text_x = std::max(text_x, to + 5);
        }
      }
      if (b.low && b.high) {
        const double from = x_of(*b.low);
        const double to = x_of(*b.high);
        whisker(out, from, to, middle, true);
        text_x = std::max(text_x, to + 5);
      }
      fmt::format_to(it, "<text x=\"{:.1f}\" y=\"{}\"{}>{}</text></g>\n", text_x, y + 10,
                     b.text_class.empty() ? "" : " class=\"" + xml_escape(b.text_class) + "\"",
                     xml_escape(b.text));
      y += bar_pitch;
    }
    y += group_gap;
  }
  out += "</svg>\n";
  return out;
}

std::string draw_share_chart(const share_chart& c) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const share_part& p : c.parts) items.emplace_back(p.name, p.colour);
  std::size_t label_chars = 4;
  int text_width = 40;
  int rows_height = 0;
  for (const share_group& g : c.groups) {
    rows_height += (g.label.empty() ? 0 : group_label) + group_gap;
    for (const share_row& r : g.rows) {
      rows_height += bar_pitch;
      label_chars = std::max(label_chars, std::min(display_width(r.label), std::size_t{22}));
      text_width = std::max(text_width, text_px(r.text) + 10);
    }
  }
  const int label_width = 24 + static_cast<int>(static_cast<double>(label_chars) * char_width);
  text_width = std::min(text_width, c.width / 3);
  const int plot_width = c.width - label_width - text_width;

  std::string body;
  const int rows_top = legend(body, items, c.width, 4, false) + 2;
  const int plot_bottom = rows_top + rows_height;
  const int height = plot_bottom + axis_height;
  std::string out;
  auto it = std::back_inserter(out);
  svg_open(out, c.width, height);
  out += body;
  axis percent;
  percent.lo = 0;
  percent.hi = 100;
  percent.step = 25;
  vertical_grid(out, percent, label_width, plot_width, rows_top, plot_bottom, "%",
                [](double v, std::string_view) { return fmt::format("{:.0f}%", v); });
  int y = rows_top + 2;
  for (const share_group& g : c.groups) {
    if (!g.label.empty()) {
      fmt::format_to(it, "<text class=\"group\" x=\"4\" y=\"{}\">{}</text>\n", y + 11,
                     xml_escape(g.label));
      y += group_label;
    }
    for (const share_row& r : g.rows) {
      fmt::format_to(it, "<g>{}", title(r.tooltip));
      if (!r.swatch.empty()) {
        fmt::format_to(it, "<rect x=\"6\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>", y + 2,
                       xml_escape(r.swatch));
      }
      fmt::format_to(it, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_width - 6,
                     y + 10, xml_escape(shortened(r.label, max_label_chars)));
      double x = label_width;
      for (std::size_t i = 0; i < r.shares.size() && i < c.parts.size(); ++i) {
        const double share = std::isfinite(r.shares[i]) ? std::clamp(r.shares[i], 0.0, 100.0) : 0;
        const double w = std::min(share / 100 * plot_width, label_width + plot_width - x);
        if (w > 0) {
          fmt::format_to(it,
                         "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>",
                         x, y, w, bar_height, xml_escape(c.parts[i].colour));
        }
        x += w;
      }
      fmt::format_to(it, "<text x=\"{}\" y=\"{}\">{}</text></g>\n", label_width + plot_width + 6,
                     y + 10, xml_escape(r.text));
      y += bar_pitch;
    }
    y += group_gap;
  }
  out += "</svg>\n";
  return out;
}

std::string draw_line_chart(const line_chart& c) {
  std::vector<std::pair<std::string, std::string>> items;
  std::vector<double> xs;
  std::vector<double> ys;
  for (const line_series& s : c.series) {
    items.emplace_back(s.label, s.colour);
    for (const line_point& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      if (std::find(xs.begin(), xs.end(), p.x) == xs.end()) xs.push_back(p.x);
      ys.push_back(p.y);
      if (p.low) ys.push_back(*p.low);
      if (p.high) ys.push_back(*p.high);
    }
  }
  std::sort(xs.begin(), xs.end());
  const axis ya = axis_for(ys, is_bytes(c.y_unit));
  int y_label_width = 30;
  for (const double t : ya.ticks()) {
    y_label_width = std::max(y_label_width, text_px(tick_text(t, c.y_unit, c.y_format)) + 10);
  }
  const bool x_log = uses_log_scale(xs);

  std::string body;
  const int plot_top = legend(body, items, c.width, 4, true) + 6;
  const int plot_bottom = std::max(c.height - 36, plot_top + 60);
  const int height = plot_bottom + 36;
  const int plot_x = y_label_width;
  const int plot_width = c.width - plot_x - 24;
  const int pad = 14;  // between the plot's edges and the first and last x ticks

  auto x_of = [&](double x) -> double {
    if (xs.size() < 2) return plot_x + plot_width / 2.0;
    const double f = x_log ? (std::log10(x) - std::log10(xs.front())) /
                                 (std::log10(xs.back()) - std::log10(xs.front()))
                           : (x - xs.front()) / (xs.back() - xs.front());
    return plot_x + pad + f * (plot_width - 2 * pad);
  };
  auto y_of = [&](double y) {
    return plot_bottom - ya.fraction(y) * static_cast<double>(plot_bottom - plot_top);
  };

  std::string out;
  auto it = std::back_inserter(out);
  svg_open(out, c.width, height);
  out += body;
  for (const double t : ya.ticks()) {
    fmt::format_to(it,
                   "<line class=\"grid\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\"/>"
                   "<text class=\"tick\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                   plot_x, y_of(t), plot_x + plot_width, plot_x - 5, y_of(t) + 4,
                   xml_escape(tick_text(t, c.y_unit, c.y_format)));
  }
  fmt::format_to(it, "<path class=\"axis\" d=\"M{0} {1}V{2}H{3}\"/>\n", plot_x, plot_top,
                 plot_bottom, plot_x + plot_width);
  for (const double x : xs) {
    fmt::format_to(
        it,
        "<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        x_of(x), plot_bottom, plot_bottom + 4, plot_bottom + 16, xml_escape(x_tick_text(x)));
  }
  fmt::format_to(it, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>\n",
                 plot_x + plot_width / 2, plot_bottom + 31, xml_escape(c.x_label),
                 x_log ? " (log scale)" : "");

  for (const line_series& s : c.series) {
    std::vector<line_point> points;
    std::copy_if(s.points.begin(), s.points.end(), std::back_inserter(points),
                 [](const line_point& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
    std::sort(points.begin(), points.end(),
              [](const line_point& a, const line_point& b) { return a.x < b.x; });
    const std::string colour = xml_escape(s.colour);
    if (points.size() > 1) {
      out += "<path class=\"series\" d=\"";
      for (std::size_t i = 0; i < points.size(); ++i) {
        fmt::format_to(it, "{}{:.1f} {:.1f}", i == 0 ? "M" : "L", x_of(points[i].x),
                       y_of(points[i].y));
      }
      fmt::format_to(it, "\" stroke=\"{}\"/>\n", colour);
    }
    for (const line_point& p : points) {
      if (p.low && p.high) whisker(out, y_of(*p.low), y_of(*p.high), x_of(p.x), false);
      fmt::format_to(it,
                     "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\" stroke=\"{}\" "
                     "stroke-width=\"2\">{}</circle>\n",
                     x_of(p.x), y_of(p.y), p.hollow ? std::string("#ffffff") : colour, colour,
                     title(p.tooltip));
    }
  }
  out += "</svg>\n";
  return out;
}

}  // namespace threadlab
