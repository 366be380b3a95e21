// bench/cli/commands.cpp — executing a parsed `threadlab` command: list, run, compare, report
// (trace: bench/cli/trace_command.cpp).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "bench/cli/cli.hpp"
#include "bench/cli/progress_line.hpp"
#include "bench/report/compare.hpp"
#include "bench/report/html.hpp"
#include "bench/report/output.hpp"
#include "bench/report/results_file.hpp"
#include "bench/report/summary_grid.hpp"
#include "bench/run/capacity.hpp"
#include "bench/run/environment.hpp"
#include "bench/run/interruption.hpp"
#include "bench/run/limits.hpp"
#include "bench/run/runner.hpp"

namespace threadlab {

namespace {

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

int run_command(const registry& reg, const run_request& req, std::ostream& out, std::ostream& err) {
  runner_options opts;
  opts.params = req.params;
  opts.params.workers = resolved_workers(run_options{req.params.workers, 0, nullptr});
  opts.states = req.states;
  // A run may go past the cores on purpose (to show oversubscription), but say so.
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned most_workers = 0;
  for (const sweep_point& point : sweep_points(opts.params)) {
    const unsigned w = point.workers;
    if (w <= most_workers) continue;  // each value once (a size sweep repeats them)
    most_workers = w;
    if (w > cores) {
      err << fmt::format(
          "threadlab: warning: --workers {} oversubscribes this machine's {} logical cores\n", w,
          cores);
    }
  }
  // An explicit size that clearly cannot fit this machine is refused before anything runs.
  if (const std::string refusal =
          capacity_refusal(reg, req.what, opts.params, read_limits_snapshot());
      !refusal.empty()) {
    err << "threadlab: " << refusal << "\n";
    return exit_usage;
  }
  // The progress line: on a terminal only, and erased before the report is written.
  std::optional<progress_line> line;
  if (::isatty(STDERR_FILENO) == 1 && !req.quiet) {
    line.emplace(err);
    opts.starting = [&line](std::size_t index, std::size_t total, const std::string& workload,
                            const std::string& model, const sweep_point& point) {
      line->starting(index, total, workload, model, point);
    };
    opts.progress = [&line](std::size_t done, std::size_t total, const record& r) {
      line->finished(done, total, r);
    };
  }

  results res;
  res.params = opts.params;
  res.env = collect_environment(most_workers);
  int interrupted_by = 0;
  {
    // SIGINT and SIGTERM stop the run but keep what it measured (run/interruption.hpp).
    const interrupt_scope interrupts;
    res.records = run_selection(reg, req.what, opts);
    interrupted_by = interrupt_signal();
  }
  line.reset();
  if (interrupted_by != 0) {
    res.interrupted = signal_abbreviation(interrupted_by);
    res.not_run = req.what.size() * sweep_points(opts.params).size() - res.records.size();
    err << "threadlab: " << interruption_line(res) << "\n";
  }

  const std::string text = render(req.format, res);
  if (req.output && !write_or_report(*req.output, text, err)) {
    // The measurements cannot be taken again for free: print them rather than lose them.
    err << "threadlab: the report follows on stdout instead\n";
    out << text << std::flush;
    return interrupted_by != 0 ? exit_status_for(interrupted_by) : exit_failed;
  }
  if (!req.output) out << text << std::flush;
  if (interrupted_by != 0) return exit_status_for(interrupted_by);
  return res.any_error() ? exit_failed : exit_ok;
}

// read_results(path, err, into) — false (after one line on err) when path cannot be read or
// is not a results file of either format (bench/report/results_file.hpp).
bool read_results(const std::string& path, std::ostream& err, loaded_results& into) {
  try {
    into = read_results_file(path);
    return true;
  } catch (const std::runtime_error& e) {
    err << fmt::format("threadlab: cannot read '{}': {}\n", path, e.what());
    return false;
  }
}

int compare_command(const compare_request& req, std::ostream& out, std::ostream& err) {
  loaded_results a;
  loaded_results b;
  if (!read_results(req.reference, err, a) || !read_results(req.candidate, err, b)) {
    return exit_usage;
  }
  if (a.format != b.format) {
    err << fmt::format(
        "threadlab: warning: A is {} and B is {}: their records name different metrics and "
        "will not match\n",
        to_string(a.format), to_string(b.format));
  }
  for (const std::string& line : environment_differences(a.res.env, b.res.env)) {
    err << "threadlab: warning: " << line << "\n";
  }
  const comparison c = compare_results(a.res, b.res, req.options);
  out << c.text << std::flush;
  return c.regressions == 0 ? exit_ok : exit_failed;
}

// report_command — the results file drawn again: exit 2 when it cannot be read, 1 when a
// report cannot be written.
int report_command(const report_request& req, std::ostream& out, std::ostream& err) {
  loaded_results loaded;
  if (!read_results(req.input, err, loaded)) return exit_usage;
  const results& res = loaded.res;
  if (req.html && !write_or_report(*req.html, render_html(res), err)) return exit_failed;
  if (!req.text) return exit_ok;
  const std::string text = render(req.format, res);
  if (req.output) return write_or_report(*req.output, text, err) ? exit_ok : exit_failed;
  out << text << std::flush;
  return exit_ok;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const registry& reg, std::ostream& out,
            std::ostream& err) {
  // A file over `ulimit -f` must fail its write (EFBIG), which write_atomically reports and
  // cleans up, rather than kill the program with SIGXFSZ and leave a partial temporary file.
  std::signal(SIGXFSZ, SIG_IGN);
  const cli_command command = parse_command_line(argc, argv, reg);
  if (const auto* exit = std::get_if<cli_exit>(&command)) {
    (exit->code == exit_ok ? out : err) << exit->text << (exit->text.ends_with('\n') ? "" : "\n");
    return exit->code;
  }
  if (std::holds_alternative<list_request>(command)) return list_command(reg, out);
  if (const auto* cmp = std::get_if<compare_request>(&command))
    return compare_command(*cmp, out, err);
  if (const auto* report = std::get_if<report_request>(&command))
    return report_command(*report, out, err);
  if (const auto* trace = std::get_if<trace_request>(&command))
    return trace_command(reg, *trace, out, err);
  return run_command(reg, std::get<run_request>(command), out, err);
}

}  // namespace threadlab
