// bench/report/report.cpp — dispatch to the report renderers.
#include "bench/report/report.hpp"

#include "bench/report/csv.hpp"
#include "bench/report/gbench.hpp"
#include "bench/report/html.hpp"
#include "bench/report/json.hpp"
#include "bench/report/markdown.hpp"
#include "bench/report/table.hpp"

namespace threadlab {

std::optional<report_format> parse_report_format(std::string_view name) {
  if (name == "table") return report_format::table;
  if (name == "json") return report_format::json;
  if (name == "csv") return report_format::csv;
  if (name == "markdown") return report_format::markdown;
  if (name == "gbench") return report_format::gbench;
  if (name == "html") return report_format::html;
  return std::nullopt;
}

std::string render(report_format format, const results& res) {
  switch (format) {
    case report_format::table:
      return render_table(res);
    case report_format::json:
      return render_json(res);
    case report_format::csv:
      return render_csv(res);
    case report_format::markdown:
      return render_markdown(res);
    case report_format::gbench:
      return render_gbench(res);
    case report_format::html:
      return render_html(res);
  }
  return render_table(res);
}

}  // namespace threadlab
