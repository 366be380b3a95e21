// bench/run/runner.cpp — from a selection to records.
#include "bench/run/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "bench/run/interruption.hpp"
#include "bench/run/isolation.hpp"
#include "bench/scheduler_counters.hpp"
#include "bench/trace/states.hpp"
#include "bench/trace/tracer.hpp"

namespace threadlab {

namespace {

// contains(names, name) — true when name is one of names.
bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// check_names(kind, names, known, valid) — throws unknown_name for the first of names that
// known(name) rejects.
template <class Known>
void check_names(std::string_view kind, const std::vector<std::string>& names, Known known,
                 const std::string& valid) {
  for (const std::string& name : names) {
    if (!known(name)) {
      throw unknown_name(fmt::format("unknown {} '{}'; valid {}s: {}", kind, name, kind, valid));
    }
  }
}

// fill_from_outcome(r, outcome, repetitions) — copies what the child measured into r; r is an
// error when the child failed, and interrupted when the run was, even if some of the
// repetitions asked for completed (those samples are kept).
void fill_from_outcome(record& r, const isolated_outcome& outcome, unsigned repetitions) {
  r.rusage = outcome.rusage;
  if (!outcome.samples.empty()) {
    const sample& last = outcome.samples.back();
    r.size = last.size;
    r.scaled = last.scaled;
    r.note = last.note;
    r.check = last.check;
  }
  r.dump = outcome.dump;
  if (outcome.interrupted_by != 0) {
    r.status = record_status::interrupted;
    r.reason = fmt::format("interrupted by {} after {} of {} repetitions",
                           signal_abbreviation(outcome.interrupted_by), outcome.samples.size(),
                           repetitions);
  } else if (outcome.error) {
    r.status = record_status::error;
    r.reason = *outcome.error;
  } else if (outcome.skip) {
    r.status = record_status::skipped;
    r.reason = *outcome.skip;
    return;
  }
  try {
    r.metrics = summarize_samples(outcome.samples);
  } catch (const wrong_result& e) {
    r.status = record_status::error;
    r.reason = e.what();
    r.metrics.clear();
  }
}

// state_trace_events — the event log of one --states repetition: enough for the default
// sizes (pingpong's 20,000 round trips make about 160,000 events on a fiber model); a larger
// run keeps the first ones and says how many it dropped (state_note).
constexpr std::size_t state_trace_events = 2'000'000;

// traced_run(run, opts, size) — one repetition with a tracer, its state accounting appended.
sample traced_run(pair_runner run, const run_options& opts, std::uint64_t size) {
  tracer t(state_trace_events);
  run_options traced = opts;
  traced.trace = &t;
  sample s = run(traced, size);
  // A model whose adapter reports nothing gets no state metrics (zeros would read as data).
  if (t.recorded() != 0) append_state_metrics(s, account_states(t));
  s.note += (s.note.empty() ? "" : "; ") + state_note(t);
  return s;
}

// counted_run(run, opts, size) — one repetition (traced with --states), with what the model's
// scheduler counted appended as "sched_<name>" metrics (bench/scheduler_counters.hpp).
sample counted_run(pair_runner run, const run_options& opts, std::uint64_t size, bool states) {
  scheduler_counters counters;
  run_options counted = opts;
  counted.counters = &counters;
  sample s = states ? traced_run(run, counted, size) : run(counted, size);
  for (const auto& [name, value] : counters.values()) {
    s.metrics.push_back(metric_value{"sched_" + name, "count", static_cast<double>(value), true});
  }
  return s;
}

}  // namespace

run_options model_options(const parameters& p) {
  return run_options{p.workers, static_cast<std::size_t>(p.stack_size), nullptr, nullptr,
                     p.size.has_value()};
}

selection select(const registry& reg, const std::vector<std::string>& workloads,
                 const std::vector<std::string>& models) {
  check_names(
      "workload", workloads,
      [&](const std::string& name) {
        return reg.find_workload(name) != nullptr || reg.find_baseline(name) != nullptr;
      },
      valid_workload_names(reg));
  check_names(
      "model", models, [&](const std::string& name) { return reg.find_model(name) != nullptr; },
      valid_model_names(reg));
  selection sel;
  for (const pair_entry& p : reg.pairs) {
    if ((workloads.empty() || contains(workloads, reg.workloads[p.workload].name)) &&
        (models.empty() || contains(models, reg.models[p.model].name))) {
      sel.pairs.push_back(&p);
    }
  }
  for (const baseline_entry& b : reg.baselines) {
    if (workloads.empty() || contains(workloads, b.info.name)) sel.baselines.push_back(&b);
  }
  return sel;
}

std::vector<metric_summary> summarize_samples(const std::vector<sample>& samples) {
  std::vector<metric_summary> out;
  if (samples.empty()) return out;
  for (const metric_value& m : samples.front().metrics) {
    metric_summary summary{m.name, m.unit, m.lower_is_better, {}, {}};
    for (const sample& s : samples) {
      const metric_value* found = nullptr;
      for (const metric_value& candidate : s.metrics) {
        if (candidate.name == m.name) found = &candidate;
      }
      if (found == nullptr || found->unit != m.unit) {
        throw wrong_result(fmt::format(
            "inconsistent samples: metric {} ({}) is missing or changes unit between repetitions",
            m.name, m.unit));
      }
      summary.samples.push_back(found->value);
    }
    summary.stats = summarize(summary.samples);
    out.push_back(std::move(summary));
  }
  return out;
}

record run_pair(const registry& reg, const pair_entry& pair, const runner_options& opts) {
  const workload_info& w = reg.workloads.at(pair.workload);
  const model_info& m = reg.models.at(pair.model);
  record r;
  r.workload = w.name;
  r.model = m.name;
  r.workers = opts.params.workers;
  r.requested_size = opts.params.size;
  r.size = opts.params.size.value_or(w.default_size);
  const run_options world = model_options(opts.params);
  if (m.configuration != nullptr) r.configuration = m.configuration(world);
  if (pair.run == nullptr) {
    r.status = record_status::skipped;
    r.reason = pair.skip_reason;
    return r;
  }
  const std::uint64_t size = r.size;
  auto once = [&] { return counted_run(pair.run, world, size, opts.states); };
  std::function<std::string()> describe;
  if (m.describe_threads != nullptr) describe = m.describe_threads;
  fill_from_outcome(r, run_isolated(once, opts.params, w.name, m.name, describe),
                    opts.params.repetitions);
  return r;
}

record run_baseline(const baseline_entry& baseline, const runner_options& opts) {
  record r;
  r.workload = baseline.info.name;
  r.model = std::string(baseline_model);
  r.workers = opts.params.workers;
  r.requested_size = opts.params.size;
  r.size = opts.params.size.value_or(baseline.info.default_size);
  r.configuration = "no model: " + baseline.info.description;
  const std::uint64_t size = r.size;
  fill_from_outcome(r,
                    run_isolated([&] { return baseline.run(size); }, opts.params,
                                 baseline.info.name, baseline_model),
                    opts.params.repetitions);
  return r;
}

std::vector<sweep_point> sweep_points(const parameters& params) {
  const std::vector<unsigned> workers =
      params.workers_sweep.empty() ? std::vector<unsigned>{params.workers} : params.workers_sweep;
  std::vector<std::optional<std::uint64_t>> sizes;
  if (params.size_sweep.empty()) {
    sizes.push_back(params.size);
  } else {
    sizes.assign(params.size_sweep.begin(), params.size_sweep.end());
  }
  std::vector<sweep_point> points;
  for (unsigned w : workers) {
    for (const std::optional<std::uint64_t>& size : sizes) points.push_back({w, size});
  }
  return points;
}

std::vector<record> run_selection(const registry& reg, const selection& sel,
                                  const runner_options& opts) {
  const std::vector<sweep_point> points = sweep_points(opts.params);
  const std::size_t total = sel.size() * points.size();
  std::vector<record> records;
  records.reserve(total);
  runner_options at = opts;
  auto report = [&](record r) {
    records.push_back(std::move(r));
    if (opts.progress) opts.progress(records.size(), total, records.back());
  };
  auto announce = [&](const std::string& workload, const std::string& model,
                      const sweep_point& point) {
    if (opts.starting) opts.starting(records.size(), total, workload, model, point);
  };
  const std::string baseline_name(baseline_model);
  for (const sweep_point& point : points) {
    at.params.workers = point.workers;
    at.params.size = point.size;
    for (const pair_entry* p : sel.pairs) {
      announce(reg.workloads.at(p->workload).name, reg.models.at(p->model).name, point);
      report(run_pair(reg, *p, at));
      if (records.back().status == record_status::interrupted) return records;
    }
    for (const baseline_entry* b : sel.baselines) {
      announce(b->info.name, baseline_name, point);
      report(run_baseline(*b, at));
      if (records.back().status == record_status::interrupted) return records;
    }
  }
  return records;
}

}  // namespace threadlab
