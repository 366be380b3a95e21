// bench/cli_commands.cpp — executing a parsed `threadlab` command: list, run, compare (trace:
// bench/cli_trace.cpp).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/cli.hpp"
#include "bench/compare.hpp"
#include "bench/environment.hpp"
#include "bench/output.hpp"
#include "bench/report_json.hpp"
#include "bench/runner.hpp"

namespace threadlab {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

int list_command(const registry& reg, std::ostream& out) {
  std::size_t width = 0;
  for (const auto& w : reg.workloads) width = std::max(width, w.name.size());
  for (const auto& b : reg.baselines) width = std::max(width, b.info.name.size());
  for (const auto& m : reg.models) width = std::max(width, m.name.size());
  out << "Workloads:\n";
  for (const auto& w : reg.workloads) {
    out << fmt::format("  {:<{}}  {} (requires: {})\n", w.name, width, w.description,
                       describe(w.requires_caps));
  }
  out << "Baselines (no model):\n";
  for (const auto& b : reg.baselines) {
    out << fmt::format("  {:<{}}  {}\n", b.info.name, width, b.info.description);
  }
  out << "Models:\n";
  for (const auto& m : reg.models) {
    out << fmt::format("  {:<{}}  {} (capabilities: {})\n", m.name, width, m.description,
                       describe(m.capabilities));
  }
  return exit_ok;
}

// select(reg, req) — the pairs and baselines req names, in registry order. Baselines come
// along whenever no workload is named, as the floor the models are read against.
selection select(const registry& reg, const run_request& req) {
  selection sel;
  for (const pair_entry& p : reg.pairs) {
    const bool workload_ok =
        req.workloads.empty() || contains(req.workloads, reg.workloads[p.workload].name);
    const bool model_ok = req.models.empty() || contains(req.models, reg.models[p.model].name);
    if (workload_ok && model_ok) sel.pairs.push_back(&p);
  }
  for (const baseline_entry& b : reg.baselines) {
    if (req.workloads.empty() || contains(req.workloads, b.info.name)) sel.baselines.push_back(&b);
  }
  return sel;
}

int run_command(const registry& reg, const run_request& req, std::ostream& out, std::ostream& err) {
  runner_options opts;
  opts.warmup = req.warmup;
  opts.repetitions = req.repetitions;
  opts.timeout_s = req.timeout_s;
  opts.size = req.size;
  opts.model_options.workers = resolved_workers(run_options{req.workers, 0});
  opts.model_options.stack_size = static_cast<std::size_t>(req.stack_size);
  opts.states = req.states;
  if (::isatty(STDERR_FILENO) == 1) {
    opts.progress = [&err](std::size_t done, std::size_t total, const record& r) {
      const std::string what = r.status == record_status::ok
                                   ? std::string("ok")
                                   : fmt::format("{}: {}", to_string(r.status), r.reason);
      err << fmt::format("[{}/{}] {} on {}: {}\n", done, total, r.workload, r.model, what)
          << std::flush;
    };
  }

  results res;
  res.params =
      parameters{req.warmup,     req.repetitions, req.timeout_s, opts.model_options.workers,
                 req.stack_size, req.size};
  res.env = collect_environment(opts.model_options.workers);
  res.records = run_selection(reg, select(reg, req), opts);

  const std::string text = render(req.format, res);
  if (req.output) {
    if (!write_or_report(*req.output, text, err)) return exit_failed;
  } else {
    out << text << std::flush;
  }
  return res.any_error() ? exit_failed : exit_ok;
}

// read_results(path, err, out_results) — false (after one line on err) when path cannot be read
// or is not a results file.
bool read_results(const std::string& path, std::ostream& err, results& into) {
  std::ifstream in(path);
  if (!in) {
    err << fmt::format("threadlab: cannot read '{}': no such readable file\n", path);
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    into = parse_results_json(text.str());
    return true;
  } catch (const std::exception& e) {
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    err << fmt::format("threadlab: '{}': {}\n", path, message);
    return false;
  }
}

int compare_command(const compare_request& req, std::ostream& out, std::ostream& err) {
  results a;
  results b;
  if (!read_results(req.reference, err, a) || !read_results(req.candidate, err, b)) {
    return exit_usage;
  }
  const comparison c = compare_results(a, b);
  out << c.text << std::flush;
  return c.regressions == 0 ? exit_ok : exit_failed;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const registry& reg, std::ostream& out,
            std::ostream& err) {
  const cli_command command = parse_command_line(argc, argv, reg);
  if (const auto* exit = std::get_if<cli_exit>(&command)) {
    (exit->code == exit_ok ? out : err) << exit->text << (exit->text.ends_with('\n') ? "" : "\n");
    return exit->code;
  }
  if (std::holds_alternative<list_request>(command)) return list_command(reg, out);
  if (const auto* cmp = std::get_if<compare_request>(&command))
    return compare_command(*cmp, out, err);
  if (const auto* trace = std::get_if<trace_request>(&command))
    return trace_command(reg, *trace, out, err);
  return run_command(reg, std::get<run_request>(command), out, err);
}

}  // namespace threadlab
