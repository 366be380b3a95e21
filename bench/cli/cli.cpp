// bench/cli/cli.cpp — parsing and checking the `threadlab` command line with CLI11. Every value is
// taken as text and checked here, so that each bad value gets one line naming it and the
// valid ones (CLI11's own conversions would give less helpful messages).
#include "bench/cli/cli.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

#include "bench/report/output.hpp"

namespace threadlab {

namespace {

namespace limits = parameter_limits;

// usage_error — a bad value; the message becomes the one line on stderr.
struct usage_error {
  std::string message;
};

// parse_integer(option, text, lo, hi) — text as an integer in [lo, hi], digits only.
std::uint64_t parse_integer(std::string_view option, const std::string& text, std::uint64_t lo,
                            std::uint64_t hi) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < lo || value > hi) {
    throw usage_error{
        fmt::format("invalid {} '{}': expected an integer from {} to {}", option, text, lo, hi)};
  }
  return value;
}

// parse_number(text) — text as a finite number, all of it; nullopt otherwise.
std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

// parse_seconds(option, text) — text as a number of seconds in (0, max_timeout_s].
double parse_seconds(std::string_view option, const std::string& text) {
  const auto value = parse_number(text);
  if (!value || *value <= 0 || *value > limits::max_timeout_s) {
    throw usage_error{fmt::format("invalid {} '{}': expected seconds, more than 0 and at most {:g}",
                                  option, text, limits::max_timeout_s)};
  }
  return *value;
}

// parse_workers(text) — the --workers value: an integer from 1 to max_workers.
unsigned parse_workers(const std::string& text) {
  return static_cast<unsigned>(parse_integer("--workers", text, 1, limits::max_workers));
}

// writable_path(option, path) — path, when output_path_problem finds nothing against writing
// it; otherwise a usage_error naming option and the problem.
std::string writable_path(std::string_view option, const std::string& path) {
  if (const auto problem = output_path_problem(path)) {
    throw usage_error{fmt::format("cannot write {} '{}': {}", option, path, *problem)};
  }
  return path;
}

// split_names(text) — text cut at every comma ("a,,b" gives "a", "", "b": an empty name is
// then reported as unknown, not skipped).
std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    names.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return names;
}

// parse_list(option, text, lo, hi) — a comma-separated list of integers in [lo, hi] (one value
// is a list of one), each at most once, at most max_sweep_values of them: a sweep's points.
std::vector<std::uint64_t> parse_list(std::string_view option, const std::string& text,
                                      std::uint64_t lo, std::uint64_t hi) {
  const std::vector<std::string> items = split_names(text);
  if (items.size() > limits::max_sweep_values) {
    throw usage_error{fmt::format("invalid {}: {} values; a sweep takes at most {}", option,
                                  items.size(), limits::max_sweep_values)};
  }
  std::vector<std::uint64_t> values;
  for (const std::string& item : items) {
    const std::uint64_t v = parse_integer(option, item, lo, hi);
    if (std::find(values.begin(), values.end(), v) != values.end()) {
      throw usage_error{fmt::format("invalid {} '{}': {} is listed twice", option, text, v)};
    }
    values.push_back(v);
  }
  return values;
}

// append_listed(list, item) — appends item to a ", "-separated list.
void append_listed(std::string& list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list += item;
}

// valid_options(app) — "--workload, --model, ..." of app, for an unknown-option message.
std::string valid_options(const CLI::App& app) {
  std::string list;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_lnames().empty()) continue;
    append_listed(list, "--" + o->get_lnames().front());
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    append_listed(list, sub->get_name());
  }
  return list;
}

// checked_format(name) — the --format named name.
report_format checked_format(const std::string& name) {
  const auto format = parse_report_format(name);
  if (!format) {
    throw usage_error{
        fmt::format("unknown format '{}'; valid formats: {}", name, report_format_names)};
  }
  return *format;
}

// run_text — the run options as given, before they are checked.
struct run_text {
  std::string workloads, models, size, repetitions, warmup, workers, stack_size, timeout;
  std::string format = "table";
  std::string output;
  bool states = false;
  bool quiet = false;
};

void add_run_options(CLI::App& run, run_text& t) {
  const parameters defaults;
  run.add_option("--workload", t.workloads,
                 "Workloads (and baselines) to run, comma separated (default: all)")
      ->type_name("LIST");
  run.add_option("--model", t.models, "Models to run them on, comma separated (default: all)")
      ->type_name("LIST");
  run.add_option("--size", t.size,
                 "Problem size for every workload; a comma-separated list sweeps them (default: "
                 "each one's own)")
      ->type_name("N[,N...]");
  run.add_option("--repetitions", t.repetitions,
                 fmt::format("Measured repetitions per pair (default: {})", defaults.repetitions))
      ->type_name("R");
  run.add_option("--warmup", t.warmup,
                 fmt::format("Discarded warm-up runs per pair (default: {})", defaults.warmup))
      ->type_name("W");
  run.add_option("--workers", t.workers,
                 "Kernel workers for pool and M:N models; a comma-separated list sweeps them "
                 "(default: all cores)")
      ->type_name("M[,M...]");
  run.add_option("--stack-size", t.stack_size,
                 "Stack size per thread in bytes (default: each model's own)")
      ->type_name("BYTES");
  run.add_option("--format", t.format,
                 "Report format: table, json, csv, markdown, gbench, html (default: table)")
      ->type_name("FORMAT");
  run.add_option("--output", t.output, "Write the report to FILE atomically (default: stdout)")
      ->type_name("FILE");
  run.add_option(
         "--timeout", t.timeout,
         fmt::format("Watchdog: seconds one run may take (default: {:g})", defaults.timeout_s))
      ->type_name("S");
  run.add_flag("--states", t.states,
               "Trace each repetition and report the share of thread-time ready, running and "
               "blocked, the switches and the mean running slice");
  run.add_flag("--quiet", t.quiet,
               "No progress line on stderr (shown only when stderr is a terminal)");
}

run_request check_run(const run_text& t, const CLI::App& run, const registry& reg) {
  run_request req;
  try {
    req.what = select(
        reg, run.count("--workload") != 0 ? split_names(t.workloads) : std::vector<std::string>{},
        run.count("--model") != 0 ? split_names(t.models) : std::vector<std::string>{});
  } catch (const unknown_name& e) {
    throw usage_error{e.what()};
  }
  parameters& p = req.params;
  if (run.count("--size") != 0) {
    const std::vector<std::uint64_t> sizes = parse_list("--size", t.size, 1, limits::max_size);
    p.size = sizes.front();
    if (sizes.size() > 1) p.size_sweep = sizes;
  }
  if (run.count("--repetitions") != 0) {
    p.repetitions = static_cast<unsigned>(
        parse_integer("--repetitions", t.repetitions, 1, limits::max_repetitions));
  }
  if (run.count("--warmup") != 0) {
    p.warmup = static_cast<unsigned>(parse_integer("--warmup", t.warmup, 0, limits::max_warmup));
  }
  if (run.count("--workers") != 0) {
    const std::vector<std::uint64_t> workers =
        parse_list("--workers", t.workers, 1, limits::max_workers);
    p.workers = static_cast<unsigned>(workers.front());
    if (workers.size() > 1) p.workers_sweep.assign(workers.begin(), workers.end());
  }
  if (run.count("--stack-size") != 0) {
    p.stack_size =
        parse_integer("--stack-size", t.stack_size, limits::min_stack_size, limits::max_stack_size);
  }
  req.format = checked_format(t.format);
  if (run.count("--output") != 0) req.output = writable_path("--output", t.output);
  if (run.count("--timeout") != 0) p.timeout_s = parse_seconds("--timeout", t.timeout);
  req.states = t.states;
  req.quiet = t.quiet;
  return req;
}

// report_text — the report options as given, before they are checked.
struct report_text {
  std::string input, html, format = "table", output;
};

void add_report_options(CLI::App& report, report_text& t) {
  report.add_option("RESULTS", t.input, "Results file (threadlab run --format json)")->required();
  report
      .add_option("--html", t.html,
                  "Write one self-contained HTML page of charts to FILE, atomically")
      ->type_name("FILE");
  report
      .add_option("--format", t.format,
                  "Text report format: table, json, csv, markdown, gbench, html (default: table; "
                  "none with --html alone)")
      ->type_name("FORMAT");
  report
      .add_option("--output", t.output,
                  "Write the text report to FILE atomically (default: stdout)")
      ->type_name("FILE");
}

report_request check_report(const report_text& t, const CLI::App& report) {
  report_request req;
  req.input = t.input;
  req.format = checked_format(t.format);
  if (report.count("--html") != 0) req.html = writable_path("--html", t.html);
  if (report.count("--output") != 0) req.output = writable_path("--output", t.output);
  req.text = !req.html || report.count("--format") != 0 || req.output.has_value();
  return req;
}

// trace_text — the trace options as given, before they are checked.
struct trace_text {
  std::string workload, model, size, workers, max_events, output = "trace.json", svg;
};

// The trace log holds 24 bytes per event; 100 million is 2.4 GB, past any readable trace.
constexpr std::uint64_t max_trace_events = 100'000'000;

void add_trace_options(CLI::App& trace, trace_text& t) {
  trace.add_option("--workload", t.workload, "The workload to trace (one)")
      ->type_name("W")
      ->required();
  trace.add_option("--model", t.model, "The model to run it on (one)")->type_name("M")->required();
  trace
      .add_option("--size", t.size,
                  "Problem size (default: a small one per workload, e.g. pingpong 1,000)")
      ->type_name("N");
  trace
      .add_option("--workers", t.workers,
                  "Kernel workers for pool and M:N models (default: all cores)")
      ->type_name("K");
  trace
      .add_option("--max-events", t.max_events,
                  "Events the tracer holds; later ones are dropped (default: 1,000,000)")
      ->type_name("E");
  trace.add_option("--output", t.output, "Chrome Trace Event file (default: trace.json)")
      ->type_name("FILE");
  trace.add_option("--svg", t.svg, "Also draw the timeline as an SVG picture")->type_name("FILE");
}

trace_request check_trace(const trace_text& t, const CLI::App& trace, const registry& reg) {
  trace_request req;
  if (reg.find_workload(t.workload) == nullptr) {
    // Baselines run no model, so they have nothing to trace.
    const bool baseline = reg.find_baseline(t.workload) != nullptr;
    throw usage_error{fmt::format("{} '{}'; valid workloads: {}",
                                  baseline ? "cannot trace baseline" : "unknown workload",
                                  t.workload, traceable_workload_names(reg))};
  }
  if (reg.find_model(t.model) == nullptr) {
    throw usage_error{
        fmt::format("unknown model '{}'; valid models: {}", t.model, valid_model_names(reg))};
  }
  if (const pair_entry* pair = reg.find_pair(t.workload, t.model);
      pair == nullptr || pair->run == nullptr) {
    throw usage_error{fmt::format("cannot trace {} on {}: {}", t.workload, t.model,
                                  pair == nullptr ? "no such pair" : pair->skip_reason)};
  }
  req.workload = t.workload;
  req.model = t.model;
  if (trace.count("--size") != 0) req.size = parse_integer("--size", t.size, 1, limits::max_size);
  if (trace.count("--workers") != 0) req.workers = parse_workers(t.workers);
  if (trace.count("--max-events") != 0) {
    req.max_events = parse_integer("--max-events", t.max_events, 1, max_trace_events);
  }
  req.output = writable_path("--output", t.output);
  if (trace.count("--svg") != 0) req.svg = writable_path("--svg", t.svg);
  return req;
}

// compare_text — the compare options as given, before they are checked.
struct compare_text {
  std::string threshold, alpha;
};

// max_threshold_percent — a threshold past 1000% (B eleven times A) is a typo, not a judgement.
constexpr double max_threshold_percent = 1000;

void add_compare_options(CLI::App& compare, compare_request& req, compare_text& t) {
  compare.add_option("A", req.reference, "Reference results (threadlab or Google Benchmark JSON)")
      ->required();
  compare.add_option("B", req.candidate, "Results to check against A (either format)")->required();
  compare
      .add_option("--threshold", t.threshold,
                  fmt::format("A verdict needs the median to change by more than PCT percent "
                              "(default: {:g})",
                              default_threshold * 100))
      ->type_name("PCT");
  compare
      .add_option("--alpha", t.alpha,
                  fmt::format("A verdict needs the Mann-Whitney U test's two-sided p below P "
                              "(default: {:g})",
                              default_alpha))
      ->type_name("P");
}

void check_compare(const compare_text& t, const CLI::App& compare, compare_request& req) {
  if (compare.count("--threshold") != 0) {
    const auto pct = parse_number(t.threshold);
    if (!pct || *pct < 0 || *pct > max_threshold_percent) {
      throw usage_error{
          fmt::format("invalid --threshold '{}': expected a percentage from 0 to {:g}", t.threshold,
                      max_threshold_percent)};
    }
    req.options.threshold = *pct / 100;
  }
  if (compare.count("--alpha") != 0) {
    const auto alpha = parse_number(t.alpha);
    if (!alpha || *alpha <= 0 || *alpha >= 1) {
      throw usage_error{fmt::format(
          "invalid --alpha '{}': expected a probability, more than 0 and less than 1", t.alpha)};
    }
    req.options.alpha = *alpha;
  }
}

cli_exit usage(const std::string& message) {
  std::string line = "threadlab: " + message;
  for (char& c : line) {
    // One line, whatever the message: a value quoted in it may hold a line break, or a carriage
    // return or escape sequence that would redraw the terminal's line.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return cli_exit{exit_usage, line};
}

}  // namespace

cli_command parse_command_line(int argc, const char* const* argv, const registry& reg) {
  CLI::App app{
      "threadlab: compares threading models (1:1 kernel threads, N:1 green threads, "
      "M:N hybrid) on the same workloads.\nWith no command, runs the default comparison.",
      "threadlab"};
  app.require_subcommand(0, 1);
  app.footer(
      "Examples:\n"
      "  threadlab list\n"
      "  threadlab run --workload skynet,ring --model green,kernel --repetitions 10\n"
      "  threadlab run --format json --output results.json\n"
      "  threadlab compare before.json after.json\n"
      "  threadlab report results.json --html report.html\n"
      "  threadlab trace --workload pingpong --model green --svg timeline.svg\n"
      "Exit status: 0 ok; 1 a pair failed or hung, or compare found a significant regression;\n"
      "2 bad usage or an unreadable compare input.");
  CLI::App* list = app.add_subcommand("list", "List workloads, baselines and models");
  CLI::App* run = app.add_subcommand("run", "Run workloads on models and report");
  run_text text;
  add_run_options(*run, text);
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare results B against A: medians, ratio, U-test p-value, faster/slower/same");
  compare_request cmp;
  compare_text compare_args;
  add_compare_options(*compare, cmp, compare_args);
  CLI::App* report = app.add_subcommand(
      "report", "Render a JSON results file again: an HTML page of charts (--html), or a --format");
  report_text report_args;
  add_report_options(*report, report_args);
  CLI::App* trace = app.add_subcommand(
      "trace", "Trace one run of a workload on a model: Chrome trace (Perfetto), SVG timeline");
  trace_text trace_args;
  add_trace_options(*trace, trace_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return cli_exit{exit_ok, app.help()};
  } catch (const CLI::CallForAllHelp&) {
    return cli_exit{exit_ok, app.help("", CLI::AppFormatMode::All)};
  } catch (const CLI::ExtrasError& e) {
    const CLI::App& where = run->parsed()       ? *run
                            : compare->parsed() ? *compare
                            : list->parsed()    ? *list
                            : report->parsed()  ? *report
                            : trace->parsed()   ? *trace
                                                : app;
    return usage(fmt::format("{}; valid: {}", e.what(), valid_options(where)));
  } catch (const CLI::ParseError& e) {
    return usage(e.what());
  }

  if (list->parsed()) return list_request{};
  if (compare->parsed()) {
    try {
      check_compare(compare_args, *compare, cmp);
      return cmp;
    } catch (const usage_error& e) {
      return usage(e.message);
    }
  }
  if (report->parsed()) {
    try {
      return check_report(report_args, *report);
    } catch (const usage_error& e) {
      return usage(e.message);
    }
  }
  if (trace->parsed()) {
    try {
      return check_trace(trace_args, *trace, reg);
    } catch (const usage_error& e) {
      return usage(e.message);
    }
  }
  if (!run->parsed()) {  // no command: the default comparison
    run_request all;
    all.what = select(reg);
    return all;
  }
  try {
    return check_run(text, *run, reg);
  } catch (const usage_error& e) {
    return usage(e.message);
  }
}

}  // namespace threadlab
