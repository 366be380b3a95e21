// bench/run/results.cpp — names of record statuses and the results queries.
#include "bench/run/results.hpp"

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
  }
  return "error";
}

std::optional<record_status> parse_record_status(std::string_view text) {
  for (auto s : {record_status::ok, record_status::skipped, record_status::error}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

bool results::any_error() const {
  return std::any_of(records.begin(), records.end(),
                     [](const record& r) { return r.status == record_status::error; });
}

}  // namespace threadlab
