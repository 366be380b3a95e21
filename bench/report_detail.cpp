// bench/report_detail.cpp — drawing a detail table (see report_detail.hpp).
#include "bench/report_detail.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/units.hpp"

namespace threadlab {

namespace {

// markdown_cell(text) — text safe inside a markdown table cell (as report_markdown.cpp does).
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '*' || c == '~' || c == '^' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

const metric_summary* find_metric(const record& r, std::string_view name) {
  for (const metric_summary& m : r.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string render_detail_text(const detail_table& t) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(t.header);
  rows.insert(rows.end(), t.rows.begin(), t.rows.end());
  std::vector<std::size_t> widths(t.header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out = fmt::format("\n{}:\n\n", t.caption);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::string line;
    for (std::size_t i = 0; i < rows[k].size() && i < widths.size(); ++i) {
      const std::size_t w = display_width(rows[k][i]);
      const std::string fill(widths[i] > w ? widths[i] - w : 0, ' ');
      if (i != 0) line += "  ";
      line += i >= t.label_columns ? fill + rows[k][i] : rows[k][i] + fill;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (k == 0) {
      std::string rule;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        if (i != 0) rule += "  ";
        rule += std::string(widths[i], '-');
      }
      out += rule + "\n";
    }
  }
  if (!t.notes_title.empty()) {
    out += fmt::format("\n{}:\n", t.notes_title);
    for (const std::string& n : t.notes) out += "  " + n + "\n";
  }
  return out;
}

std::string render_detail_markdown(const detail_table& t) {
  std::string out = fmt::format("\n**{}**\n\n", markdown_cell(t.caption));
  auto add_row = [&out](const std::vector<std::string>& cells) {
    out += "|";
    for (const std::string& c : cells) {
      out += ' ';  // appended piecewise: g++ 12 -O3 warns (-Wrestrict) on " " + str + " |"
      out += markdown_cell(c);
      out += " |";
    }
    out += "\n";
  };
  add_row(t.header);
  out += "|";
  for (std::size_t i = 0; i < t.header.size(); ++i)
    out += i < t.label_columns ? " --- |" : " ---: |";
  out += "\n";
  for (const auto& row : t.rows) add_row(row);
  if (!t.notes_title.empty()) {
    out += fmt::format("\n{}:\n\n", t.notes_title);
    for (const std::string& n : t.notes) out += fmt::format("- {}\n", markdown_cell(n));
  }
  return out;
}

}  // namespace threadlab
