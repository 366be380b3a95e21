// bench/cli/trace_command.cpp — `threadlab trace`: one repetition of one workload on one model,
// with a tracer attached, written as a Chrome Trace Event file (bench/trace/chrome.hpp) and, on
// request, an SVG timeline (bench/trace/svg.hpp).
//
// The run happens in this process, not in a forked child under the watchdog as `threadlab
// run` does: the CLI is single-threaded until the model starts its own threads, the tracer
// must be read after the run, and a trace is a debugging aid rather than a measurement. A
// trace that hangs is stopped with Ctrl-C. The size defaults to the workload's trace_size
// (bench/workload.hpp), small enough that the file stays readable.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <ostream>
#include <string_view>

#include "bench/cli/cli.hpp"
#include "bench/report/output.hpp"
#include "bench/trace/chrome.hpp"
#include "bench/trace/svg.hpp"
#include "bench/trace/timeline.hpp"
#include "bench/trace/tracer.hpp"

namespace threadlab {

int trace_command(const registry& reg, const trace_request& req, std::ostream& out,
                  std::ostream& err) {
  // parse_command_line checked both names and that the pair runs; a registry that changed
  // since is a programming error, reported rather than dereferenced.
  const workload_info* workload = reg.find_workload(req.workload);
  const model_info* model = reg.find_model(req.model);
  const pair_entry* pair = reg.find_pair(req.workload, req.model);
  if (workload == nullptr || model == nullptr || pair == nullptr || pair->run == nullptr) {
    err << fmt::format("threadlab: cannot trace {} on {}\n", req.workload, req.model);
    return exit_usage;
  }

  tracer log(static_cast<std::size_t>(req.max_events));
  run_options opts;
  opts.workers = resolved_workers(run_options{req.workers, 0});
  opts.trace = &log;
  opts.size_given = req.size.has_value();  // an explicit --size is traced as asked

  trace_info info;
  info.workload = req.workload;
  info.model = req.model;
  info.size = req.size.value_or(workload->trace_size);
  info.workers = opts.workers;
  info.configuration = model->configuration(opts);

  int status = exit_ok;
  try {
    const sample result = pair->run(opts, info.size);
    info.size = result.size;  // a model's thread_limit may have scaled a default size
  } catch (const std::exception& e) {
    // Keep what was recorded: the trace of a failing run is the one worth reading.
    err << fmt::format("threadlab: {} on {} failed: {}\n", req.workload, req.model, e.what());
    status = exit_failed;
  }

  info.provenance = log.provenance();
  const timeline tl = build_timeline(log);
  if (tl.dropped > 0) err << "trace: " << dropped_warning(tl) << "\n";
  if (tl.recorded == 0) {
    err << fmt::format(
        "trace: {} recorded no events (its adapter does not report to the "
        "tracer)\n",
        req.model);
  }
  if (!write_or_report(req.output, chrome_trace_json(tl, info), err)) return exit_failed;
  out << fmt::format(
      "trace: {} on {}, size {}: {} threads, {} events -> {} "
      "(open it in ui.perfetto.dev or chrome://tracing)\n",
      req.workload, req.model, info.size, tl.tracks.size(), tl.recorded, req.output);
  if (req.svg) {
    if (!write_or_report(*req.svg, timeline_svg(tl, info), err)) return exit_failed;
    out << fmt::format("trace: timeline -> {}\n", *req.svg);
  }
  return status;
}

}  // namespace threadlab
