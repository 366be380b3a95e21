// bench/run/registry.hpp — the catalogue of what the harness can run: every workload, every model,
// every (workload, model) pair with a type-erased entry point, and the baselines.
//
// The catalogue is built at compile time from type lists by `make_registry`; the real one
// (`default_registry`, bench/run/default_registry.cpp) uses bench/workloads/all.hpp and
// bench/models/all.hpp, and is the only file of the harness that includes a model. Tests build
// registries of fake workloads and models with the same template, so the runner, reports and
// CLI are tested without any real model. A program built outside this repository adds its own
// models to the real catalogue with `add_models` (bench/extend.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/model.hpp"
#include "bench/type_list.hpp"
#include "bench/workload.hpp"

namespace threadlab {

// model_info — a model as the harness sees it (its static members, copied).
struct model_info {
  std::string name;
  std::string description;
  capability capabilities = capability::none;
  std::uint64_t thread_limit = 0;
  std::string (*configuration)(const run_options&) = nullptr;  // M::configuration
  // M::describe_threads, for a model that can list its threads while a run hangs (optional;
  // bench/run/hang_dump.hpp), else nullptr.
  std::string (*describe_threads)() = nullptr;
  // footprint_of<M>: one thread's cost to the system, for the capacity estimate
  // (bench/run/capacity.hpp); it returns nullopt for a model that does not say.
  std::optional<thread_footprint> (*footprint)(const run_options&) = nullptr;
};

// workload_info — a workload or baseline as the harness sees it.
struct workload_info {
  std::string name;
  std::string description;
  capability requires_caps = capability::none;
  std::uint64_t default_size = 0;
  std::uint64_t trace_size = 0;  // `threadlab trace`'s default size (baselines: unused)
  // W::threads_at, threads alive at once at a size (bench/workload.hpp), or nullptr.
  std::uint64_t (*threads_at)(std::uint64_t size) = nullptr;
};

// pair_runner — one repetition of a workload on a model: &run_form<W, M> (bench/workload.hpp),
// which calls W::run<M>, or W::run_async<M> on a stackless model.
using pair_runner = sample (*)(const run_options&, std::uint64_t size);
// baseline_runner — one repetition of a baseline: &B::run.
using baseline_runner = sample (*)(std::uint64_t size);

// pair_entry — one (workload, model) pair. Exactly one of run and skip_reason is set: a pair
// whose model lacks a capability the workload requires, or a stackless model's pair whose
// workload has no coroutine form, is never instantiated, and says why.
struct pair_entry {
  std::size_t workload = 0;  // index into registry::workloads
  std::size_t model = 0;     // index into registry::models
  pair_runner run = nullptr;
  std::string skip_reason;
};

// baseline_entry — a measurement beside the models, with no model (e.g. a bare context switch).
struct baseline_entry {
  workload_info info;
  baseline_runner run = nullptr;
};

// registry — the catalogue, in the order reports list things: workloads and models in their
// type-list order, pairs workload-major.
struct registry {
  std::vector<workload_info> workloads;
  std::vector<model_info> models;
  std::vector<pair_entry> pairs;
  std::vector<baseline_entry> baselines;

  // find_workload(name) / find_model(name) / find_baseline(name) — the entry named name, or
  // nullptr.
  const workload_info* find_workload(std::string_view name) const;
  const model_info* find_model(std::string_view name) const;
  const baseline_entry* find_baseline(std::string_view name) const;
  // find_pair(workload, model) — the pair of these names, or nullptr.
  const pair_entry* find_pair(std::string_view workload, std::string_view model) const;
};

// skip_reason(model, have, need) — "model kernel_pool lacks waits_on_threads: a fixed pool
// deadlocks ..." for each capability in need that have lacks, joined by "; "; empty when none
// is missing.
std::string skip_reason(std::string_view model, capability have, capability need);

// no_coroutine_form_reason(model, workload) — "model coroutines is stackless: workload memory has
// no coroutine form (run_async) ...": why a workload without run_async is skipped on a stackless
// model, worded like a missing capability.
std::string no_coroutine_form_reason(std::string_view model, std::string_view workload);

// valid_workload_names(reg) — "spawn_join, ..., context_switch (baseline)": what --workload of
// `threadlab run` accepts, for error messages. traceable_workload_names(reg) — the same without
// the baselines (which run no model, so have nothing to trace). valid_model_names(reg) —
// "kernel, kernel_pool, ...". All in registry order.
std::string valid_workload_names(const registry& reg);
std::string traceable_workload_names(const registry& reg);
std::string valid_model_names(const registry& reg);

// make_registry<Workloads, Models, Baselines>() — the catalogue of these type lists.
// Workloads: types satisfying `workload` with `template <model M> static sample run(const
// run_options&, std::uint64_t)` and, optionally, its coroutine form run_async; Models: types with
// the static members of `model` that the harness reads (name, description, capabilities,
// thread_limit, configuration); Baselines: workload-shaped types with `static sample
// run(std::uint64_t)`.
template <class Workloads, class Models, class Baselines>
registry make_registry() {
  registry reg;
  for_each_type<Models>([&]<class M>() {
    std::string (*describe_threads)() = nullptr;
    if constexpr (requires { M::describe_threads(); }) describe_threads = &describe_threads_of<M>;
    reg.models.push_back(model_info{std::string(M::name), std::string(M::description),
                                    M::capabilities, M::thread_limit, &M::configuration,
                                    describe_threads, &footprint_of<M>});
  });
  for_each_type<Workloads>([&]<class W>() {
    const std::size_t w = reg.workloads.size();
    reg.workloads.push_back(workload_info{std::string(W::name), std::string(W::description),
                                          W::requires_caps, W::default_size, W::trace_size,
                                          threads_at_of<W>()});
    std::size_t m = 0;
    for_each_type<Models>([&]<class M>() {
      pair_entry entry{w, m++, nullptr, {}};
      if constexpr (runs_on<W, M>()) {
        entry.run = &run_form<W, M>;
      } else if constexpr (!has(M::capabilities, W::requires_caps)) {
        entry.skip_reason = skip_reason(M::name, M::capabilities, W::requires_caps);
      } else {
        entry.skip_reason = no_coroutine_form_reason(M::name, W::name);
      }
      reg.pairs.push_back(std::move(entry));
    });
  });
  for_each_type<Baselines>([&]<class B>() {
    reg.baselines.push_back(
        baseline_entry{workload_info{std::string(B::name), std::string(B::description),
                                     capability::none, B::default_size, 0},
                       &B::run});
  });
  return reg;
}

// with_models(base, extra) — base's catalogue with extra's models added after base's: each of
// extra's pairs follows base's pairs of the same workload (still workload-major), and the
// baselines are base's. extra must be built from the same workloads as base (the same names, in
// the same order) with no baselines, and name no model base has. Throws std::invalid_argument
// saying which rule extra breaks.
registry with_models(const registry& base, const registry& extra);

// add_models<Workloads, Models>(base) — base plus the models of the type list Models run on
// Workloads (base's workload list): only the new models' pairs are instantiated, so a program
// that adds its models to default_registry() (bench/extend.hpp) compiles no built-in pair again.
template <class Workloads, class Models>
registry add_models(const registry& base) {
  return with_models(base, make_registry<Workloads, Models, type_list<>>());
}

// default_registry() — every workload of bench/workloads/all.hpp on every model of
// bench/models/all.hpp, and the baselines. Defined in bench/run/default_registry.cpp.
const registry& default_registry();

}  // namespace threadlab
