// bench/registry_lookup.cpp — lookups by name in a registry, and the skip reasons. Kept apart
// from bench/registry.cpp so that the harness builds and is tested without any real model.
#include <string>
#include <string_view>
#include <vector>

#include "bench/registry.hpp"

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

std::string_view why_required(capability c) {
  switch (c) {
    case capability::multicore:
      return "the workload measures work spread over several cores, which one core cannot show";
    case capability::waits_on_threads:
      return "a fixed pool deadlocks when every worker waits on a task that is queued behind it";
    case capability::many_threads:
      return "the workload keeps more threads alive at once than the model can hold cheaply";
    case capability::blocking_syscalls:
      return "a blocking system call would stall every other thread of the model";
    case capability::none:
      break;
  }
  return "the workload requires it";
}

std::string skip_reason(std::string_view model, capability have, capability need) {
  const capability lacking = missing(have, need);
  std::string reason;
  for (auto bit : {capability::multicore, capability::waits_on_threads, capability::many_threads,
                   capability::blocking_syscalls}) {
    if (!has(lacking, bit)) continue;
    if (!reason.empty()) reason += "; ";
    reason += "model ";
    reason += model;
    reason += " lacks ";
    reason += describe(bit);
    reason += ": ";
    reason += why_required(bit);
  }
  return reason;
}

}  // namespace threadlab
