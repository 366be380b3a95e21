// bench/run/default_registry.cpp — the real catalogue: every workload of bench/workloads/all.hpp on
// every model of bench/models/all.hpp, plus the baselines. The only harness file that includes the
// models, so adding a model or a workload never touches the runner, reports or CLI.
#include "bench/run/registry.hpp"

#include "bench/models/all.hpp"
#include "bench/workloads/all.hpp"

namespace threadlab {

const registry& default_registry() {
  static const registry reg = make_registry<all_workloads, all_models, all_baselines>();
  return reg;
}

}  // namespace threadlab
