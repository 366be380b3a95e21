// bench/run/results.cpp — names of record statuses and the results queries.
#include "bench/run/results.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace threadlab {

std::string_view to_string(record_status s) {
  switch (s) {
    case record_status::ok:
      return "ok";
    case record_status::skipped:
      return "skipped";
    case record_status::error:
      return "error";
    case record_status::interrupted:
      return "interrupted";
  }
  return "error";
}

std::optional<record_status> parse_record_status(std::string_view text) {
  for (auto s : {record_status::ok, record_status::skipped, record_status::error,
                 record_status::interrupted}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

bool results::any_error() const {
  return std::any_of(records.begin(), records.end(),
                     [](const record& r) { return r.status == record_status::error; });
}

std::vector<results> split_by_point(const results& res) {
  std::vector<results> parts;
  for (const record& r : res.records) {
    auto part = std::find_if(parts.begin(), parts.end(), [&](const results& p) {
      return p.params.workers == r.workers && p.params.size == r.requested_size;
    });
    if (part == parts.end()) {
      results fresh;
      fresh.env = res.env;
      fresh.params = res.params;
      fresh.params.workers = r.workers;
      fresh.params.size = r.requested_size;
      fresh.params.workers_sweep.clear();
      fresh.params.size_sweep.clear();
      parts.push_back(std::move(fresh));
      part = parts.end() - 1;
    }
    part->records.push_back(r);
  }
  return parts;
}

std::string point_label(const results& r) {
  const parameters& p = r.params;
  const std::string size = p.size ? fmt::format("size {}", fmt::group_digits(*p.size))
                                  : std::string("each workload's default size");
  return fmt::format("{} worker{}, {}", p.workers, p.workers == 1 ? "" : "s", size);
}

}  // namespace threadlab
