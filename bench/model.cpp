// bench/model.cpp — the out-of-line part of the model contract (bench/model.hpp): naming
// capabilities for reports.
#include "bench/model.hpp"

namespace threadlab {

std::string describe(capability c) {
  std::string text;
  for (const capability_info& info : capability_table) {
    if (!has(c, info.bit)) continue;
    if (!text.empty()) text += ", ";
    text += info.name;
  }
  return text.empty() ? std::string("none") : text;
}

}  // namespace threadlab
