// bench/report/detail.cpp — drawing a detail table (see report_detail.hpp).
#include "bench/report/detail.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/report/units.hpp"

namespace threadlab {

const metric_summary* find_metric(const record& r, std::string_view name) {
  for (const metric_summary& m : r.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '*' || c == '~' || c == '^' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

std::string aligned_rows(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows,
                         std::size_t label_columns, bool rule) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(cells[i]));
  };
  measure(header);
  for (const auto& row : rows) measure(row);

  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      const std::size_t w = display_width(cells[i]);
      const std::string fill(widths[i] > w ? widths[i] - w : 0, ' ');
      if (i != 0) text += "  ";
      text += i >= label_columns ? fill + cells[i] : cells[i] + fill;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };

  std::string out = line(header);
  if (rule) {
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (i != 0) out += "  ";
      out += std::string(widths[i], '-');
    }
    out += "\n";
  }
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string markdown_rows(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows,
                          std::size_t label_columns) {
  std::string out;
  auto add_row = [&out](const std::vector<std::string>& cells) {
    out += "|";
    for (const std::string& c : cells) {
      out += ' ';  // appended piecewise: g++ 12 -O3 warns (-Wrestrict) on " " + str + " |"
      out += markdown_cell(c);
      out += " |";
    }
    out += "\n";
  };
  add_row(header);
  out += "|";
  for (std::size_t i = 0; i < header.size(); ++i) out += i < label_columns ? " --- |" : " ---: |";
  out += "\n";
  for (const auto& row : rows) add_row(row);
  return out;
}

std::string render_detail_text(const detail_table& t) {
  std::string out = fmt::format("\n{}:\n\n", t.caption);
  out += aligned_rows(t.header, t.rows, t.label_columns);
  if (!t.notes_title.empty()) {
    out += fmt::format("\n{}:\n", t.notes_title);
    for (const std::string& n : t.notes) out += "  " + n + "\n";
  }
  return out;
}

std::string render_detail_markdown(const detail_table& t) {
  std::string out = fmt::format("\n**{}**\n\n", markdown_cell(t.caption));
  out += markdown_rows(t.header, t.rows, t.label_columns);
  if (!t.notes_title.empty()) {
    out += fmt::format("\n{}:\n\n", t.notes_title);
    for (const std::string& n : t.notes) out += fmt::format("- {}\n", markdown_cell(n));
  }
  return out;
}

std::string render_detail_if(const results& res, std::string_view metric,
                             detail_table (*build)(const results&), detail_style style) {
  const bool measured = std::any_of(res.records.begin(), res.records.end(), [&](const record& r) {
    return r.status == record_status::ok && find_metric(r, metric) != nullptr;
  });
  if (!measured) return {};
  const detail_table t = build(res);
  return style == detail_style::text ? render_detail_text(t) : render_detail_markdown(t);
}

}  // namespace threadlab
