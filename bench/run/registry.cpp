// bench/run/registry.cpp — lookups by name in a registry, catalogues joined (with_models), the
// lists of valid names, and the skip reasons. Apart from run/default_registry.cpp, so that the
// harness builds and is tested without any real model.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

registry with_models(const registry& base, const registry& extra) {
  if (!extra.baselines.empty()) {
    throw std::invalid_argument("models added to a catalogue bring no baselines");
  }
  if (extra.workloads.size() != base.workloads.size()) {
    throw std::invalid_argument("models added to a catalogue must run on its workloads");
  }
  for (std::size_t w = 0; w < base.workloads.size(); ++w) {
    if (extra.workloads[w].name != base.workloads[w].name) {
      throw std::invalid_argument("models added to a catalogue must run on its workloads: '" +
                                  extra.workloads[w].name + "' where it has '" +
                                  base.workloads[w].name + "'");
    }
  }
  registry out = base;
  for (const model_info& m : extra.models) {
    if (out.find_model(m.name) != nullptr) {
      throw std::invalid_argument("model name '" + m.name +
                                  "' is taken; valid models so far: " + valid_model_names(out));
    }
    out.models.push_back(m);
  }
  // Rebuild the pairs workload-major: each workload's base pairs, then extra's, whose model
  // indices move past base's models.
  out.pairs.clear();
  for (std::size_t w = 0; w < base.workloads.size(); ++w) {
    for (const pair_entry& p : base.pairs) {
      if (p.workload == w) out.pairs.push_back(p);
    }
    for (pair_entry p : extra.pairs) {
      if (p.workload != w) continue;
      p.model += base.models.size();
      out.pairs.push_back(std::move(p));
    }
  }
  return out;
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

std::string no_coroutine_form_reason(std::string_view model, std::string_view workload) {
  std::string reason = "model ";
  reason += model;
  reason += " is stackless: workload ";
  reason += workload;
  reason +=
      " has no coroutine form (run_async), and a stackless thread can wait only in a co_await";
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
