// bench/run/registry.cpp — lookups by name in a registry, the lists of valid names, and the skip
// reasons. Apart from run/default_registry.cpp, so that the harness builds and is tested without
// any real model.
#include <string>
#include <string_view>
#include <vector>

#include "bench/run/registry.hpp"

namespace threadlab {

namespace {
// find_named(items, name, name_of) — the first item whose name_of(item) is name, or nullptr.
template <class T, class NameOf>
const T* find_named(const std::vector<T>& items, std::string_view name, NameOf name_of) {
  for (const T& item : items) {
    if (name_of(item) == name) return &item;
  }
  return nullptr;
}
}  // namespace

const workload_info* registry::find_workload(std::string_view name) const {
  return find_named(workloads, name,
                    [](const workload_info& w) -> std::string_view { return w.name; });
}

const model_info* registry::find_model(std::string_view name) const {
  return find_named(models, name, [](const model_info& m) -> std::string_view { return m.name; });
}

const baseline_entry* registry::find_baseline(std::string_view name) const {
  return find_named(baselines, name,
                    [](const baseline_entry& b) -> std::string_view { return b.info.name; });
}

const pair_entry* registry::find_pair(std::string_view workload, std::string_view model) const {
  for (const pair_entry& p : pairs) {
    if (workloads[p.workload].name == workload && models[p.model].name == model) return &p;
  }
  return nullptr;
}

std::string skip_reason(std::string_view model, capability have, capability need) {
  const capability lacking = missing(have, need);
  std::string reason;
  for (const capability_info& info : capability_table) {
    if (!has(lacking, info.bit)) continue;
    if (!reason.empty()) reason += "; ";
    reason += "model ";
    reason += model;
    reason += " lacks ";
    reason += info.name;
    reason += ": ";
    reason += info.why_required;
  }
  return reason;
}

namespace {
// append_listed(list, item) — appends item to a ", "-separated list.
void append_listed(std::string& list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list += item;
}
}  // namespace

std::string traceable_workload_names(const registry& reg) {
  std::string list;
  for (const workload_info& w : reg.workloads) append_listed(list, w.name);
  return list;
}

std::string valid_workload_names(const registry& reg) {
  std::string list = traceable_workload_names(reg);
  for (const baseline_entry& b : reg.baselines) append_listed(list, b.info.name + " (baseline)");
  return list;
}

std::string valid_model_names(const registry& reg) {
  std::string list;
  for (const model_info& m : reg.models) append_listed(list, m.name);
  return list;
}

}  // namespace threadlab
