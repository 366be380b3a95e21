// bench/report/svg_chart.hpp — the three charts of the HTML report (report/html.cpp), each drawn
// as one inline <svg> element: horizontal bars in groups, with a whisker per bar; horizontal
// bars cut into shares (stacked to 100%); and lines over a numeric axis.
//
// The charts know nothing of results: the caller gives labels, colours, values and the text to
// print beside them. Every text given is escaped here (xml_escape), so a caller may pass
// anything read from a results file. The elements carry no xmlns (HTML's parser gives inline
// SVG its namespace), no script and no reference to anything outside the document.
//
// A value axis is linear from 0, or logarithmic (whole decades) when the values to show span
// more than log_scale_ratio: workloads differ between models by 1000x and more, and on a
// linear axis every bar but the largest would be a sliver. Each chart says which it used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace threadlab {

// xml_escape(text) — text safe inside an HTML or SVG element or a quoted attribute: & < > " '
// as entities, and the control characters XML forbids (all below U+0020 but tab, newline and
// carriage return) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

// log_scale_ratio — the largest max/min of positive values still drawn on a linear axis.
// 30: at that ratio the smallest bar of a 400-pixel plot is 13 pixels, still readable; past it
// a bar shrinks towards a pixel. A judgement call, picked by eye on our runs.
inline constexpr double log_scale_ratio = 30;

// value_format — how a value axis writes its ticks: a function from a value to its text (e.g.
// report/units.hpp's format_quantity with the metric's unit bound).
using value_format = std::string (*)(double value, std::string_view unit);

// bar — one bar. No value: no bar is drawn, only `text` (e.g. "skipped"), in `text_class`.
struct bar {
  std::string label;            // left of the bar, e.g. the model's name
  std::string colour;           // the bar's fill, "#rrggbb"
  std::optional<double> value;  // the bar's length
  std::optional<double> low;    // a whisker from low to high (e.g. the median's interval)
  std::optional<double> high;
  // A range instead of a bar from the axis: the bar starts at from, marked with a dot (e.g. a
  // p50, the bar then ending at a p99), and a thin line with a cap runs on to reach (a max).
  std::optional<double> from;
  std::optional<double> reach;
  std::string text;        // right of the bar (and whisker): the value, with marks
  std::string text_class;  // a CSS class for text, e.g. "bad"; empty: none
  std::string tooltip;     // shown on hover (<title>); empty: none
};

// bar_group — bars drawn together under one label (e.g. one sweep point); an empty label draws
// no label line.
struct bar_group {
  std::string label;
  std::vector<bar> bars;
};

// bar_chart — groups of horizontal bars over one value axis.
struct bar_chart {
  std::string unit;               // the values' unit, for the ticks
  value_format format = nullptr;  // tick text; nullptr: the number with 3 significant digits
  std::vector<bar_group> groups;
  int width = 600;  // pixels, labels included
};

// draw_bar_chart(c) — the <svg> element. The axis covers every value, low and high; it is
// logarithmic when they span more than log_scale_ratio (see the file comment), and then a bar
// starts at the decade below the smallest value.
std::string draw_bar_chart(const bar_chart& c);

// uses_log_scale(values) — true when draw_bar_chart or draw_line_chart would draw values on a
// logarithmic axis, for the caption that says so.
bool uses_log_scale(const std::vector<double>& values);

// share_part — one kind of share (e.g. "running"), with its colour.
struct share_part {
  std::string name;
  std::string colour;
};

// share_row — one bar cut into shares, in the order of share_chart::parts; shares are
// percentages and are drawn as given (a row whose shares sum to less than 100 ends early).
struct share_row {
  std::string label;
  std::string swatch;  // a small square left of the label, e.g. the model's colour; empty: none
  std::vector<double> shares;
  std::string text;     // right of the bar
  std::string tooltip;  // empty: none
};

// share_group — rows drawn together under one label; an empty label draws no label line.
struct share_group {
  std::string label;
  std::vector<share_row> rows;
};

// share_chart — a legend of the parts, then one stacked bar per row, from 0 to 100%.
struct share_chart {
  std::vector<share_part> parts;
  std::vector<share_group> groups;
  int width = 600;
};

// draw_share_chart(c) — the <svg> element.
std::string draw_share_chart(const share_chart& c);

// line_point — one point of a line; hollow draws an open marker (e.g. a scaled result).
struct line_point {
  double x = 0;
  double y = 0;
  std::optional<double> low;  // a vertical whisker from low to high
  std::optional<double> high;
  bool hollow = false;
  std::string tooltip;  // empty: none
};

// line_series — one line, e.g. one model; points in any order (drawn by increasing x).
struct line_series {
  std::string label;
  std::string colour;
  std::vector<line_point> points;
};

// line_chart — a legend of the series, then the lines. The x axis has a tick at each x of any
// point, labelled with x_format; it is logarithmic when the x values span more than
// log_scale_ratio. The y axis is like a bar chart's value axis.
struct line_chart {
  std::string x_label;  // under the x axis, e.g. "workers"
  std::string y_unit;   // for the y ticks
  value_format y_format = nullptr;
  std::vector<line_series> series;
  int width = 600;
  int height = 260;
};

// draw_line_chart(c) — the <svg> element.
std::string draw_line_chart(const line_chart& c);

}  // namespace threadlab
