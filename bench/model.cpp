// bench/model.cpp — the out-of-line parts of the model contract (bench/model.hpp): naming
// capabilities for reports.
#include "bench/model.hpp"

#include <array>
#include <utility>

namespace threadlab {

namespace {
// capability_names — every capability with its stable name, in bit order.
constexpr std::array<std::pair<capability, std::string_view>, 4> capability_names{{
    {capability::multicore, "multicore"},
    {capability::waits_on_threads, "waits_on_threads"},
    {capability::many_threads, "many_threads"},
    {capability::blocking_syscalls, "blocking_syscalls"},
}};
}  // namespace

std::string describe(capability c) {
  std::string text;
  for (const auto& [bit, name] : capability_names) {
    if (!has(c, bit)) continue;
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text.empty() ? std::string("none") : text;
}

}  // namespace threadlab
