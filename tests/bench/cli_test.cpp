// tests/bench/cli_test.cpp — the command line: good requests are understood, and every bad
// value gives exit status 2 with one line naming it and the valid ones. First through
// parse_command_line with the fake registry; then by running the real `threadlab` as a
// subprocess.
#include <doctest/doctest.h>

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "bench/cli/cli.hpp"
#include "fake_registry.hpp"
#include "program_support.hpp"
#include "text_support.hpp"

using namespace threadlab;

namespace {

cli_command parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"threadlab"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), fakes::healthy_registry());
}

// usage_error_of(args) — the error line, checking it is a usage error of exactly one line.
std::string usage_error_of(std::initializer_list<const char*> args) {
  const cli_command c = parse(args);
  const auto* exit = std::get_if<cli_exit>(&c);
  REQUIRE(exit != nullptr);
  CHECK(exit->code == exit_usage);
  CHECK(exit->text.find('\n') == std::string::npos);
  CHECK(exit->text.rfind("threadlab: ", 0) == 0);
  return exit->text;
}

using threadlab::testing::contains;

}  // namespace

TEST_CASE("cli: no arguments is the default comparison") {
  const cli_command c = parse({});
  const auto* run = std::get_if<run_request>(&c);
  REQUIRE(run != nullptr);
  // Every pair and every baseline of the registry, with the default parameters.
  CHECK(run->what.pairs.size() == fakes::healthy_registry().pairs.size());
  CHECK(run->what.baselines.size() == fakes::healthy_registry().baselines.size());
  CHECK(run->params.repetitions == parameters{}.repetitions);
  CHECK(run->params.warmup == parameters{}.warmup);
  CHECK(run->format == report_format::table);
  CHECK_FALSE(run->output.has_value());
  CHECK(run->params.timeout_s == doctest::Approx(parameters{}.timeout_s));
}

TEST_CASE("cli: run options are parsed") {
  const cli_command c = parse({"run", "--workload", "counting,floor", "--model", "pool", "--size",
                               "77", "--repetitions", "3", "--warmup", "0", "--workers", "4",
                               "--stack-size", "65536", "--format", "csv", "--timeout", "2.5"});
  const auto* run = std::get_if<run_request>(&c);
  REQUIRE(run != nullptr);
  // The pairs of the named workloads on the named model, and the named baseline.
  const registry& reg = fakes::healthy_registry();
  REQUIRE(run->what.pairs.size() == 1);
  CHECK(run->what.pairs[0] == reg.find_pair("counting", "pool"));
  REQUIRE(run->what.baselines.size() == 1);
  CHECK(run->what.baselines[0] == reg.find_baseline("floor"));
  CHECK(run->params.size == 77u);
  CHECK(run->params.repetitions == 3);
  CHECK(run->params.warmup == 0);
  CHECK(run->params.workers == 4);
  CHECK(run->params.stack_size == 65536);
  CHECK(run->format == report_format::csv);
  CHECK(run->params.timeout_s == doctest::Approx(2.5));
}

TEST_CASE("cli: list, compare and help") {
  CHECK(std::holds_alternative<list_request>(parse({"list"})));
  const cli_command c = parse({"compare", "a.json", "b.json"});
  REQUIRE(std::holds_alternative<compare_request>(c));
  CHECK(std::get<compare_request>(c).candidate == "b.json");
  CHECK(std::get<compare_request>(c).options.threshold == doctest::Approx(0.10));
  CHECK(std::get<compare_request>(c).options.alpha == doctest::Approx(0.05));
  const cli_command tuned =
      parse({"compare", "a.json", "b.json", "--threshold", "2.5", "--alpha", "0.01"});
  REQUIRE(std::holds_alternative<compare_request>(tuned));
  CHECK(std::get<compare_request>(tuned).options.threshold == doctest::Approx(0.025));
  CHECK(std::get<compare_request>(tuned).options.alpha == doctest::Approx(0.01));
  const cli_command help = parse({"run", "--help"});
  REQUIRE(std::holds_alternative<cli_exit>(help));
  CHECK(std::get<cli_exit>(help).code == exit_ok);
  CHECK(contains(std::get<cli_exit>(help).text, "--repetitions"));
}

TEST_CASE("cli: each bad value is one line naming it and the valid ones, exit 2") {
  std::string e = usage_error_of({"run", "--workload", "counting,nope"});
  CHECK(contains(e, "'nope'"));
  CHECK(contains(e, "counting, waiting, floor (baseline)"));
  e = usage_error_of({"run", "--model", "fast"});
  CHECK(contains(e, "'fast'"));
  CHECK(contains(e, "quick, pool"));
  e = usage_error_of({"run", "--format", "xml"});
  CHECK(contains(e, "'xml'"));
  CHECK(contains(e, "table, json, csv, markdown, gbench"));
  CHECK(contains(usage_error_of({"run", "--size", "0"}), "--size '0'"));
  CHECK(contains(usage_error_of({"run", "--size", "ten"}), "--size 'ten'"));
  CHECK(contains(usage_error_of({"run", "--size", "12abc"}), "--size '12abc'"));
  CHECK(contains(usage_error_of({"run", "--repetitions", "0"}), "--repetitions '0'"));
  CHECK(contains(usage_error_of({"run", "--timeout", "0"}), "--timeout '0'"));
  CHECK(contains(usage_error_of({"run", "--timeout=-3"}), "--timeout '-3'"));
  CHECK(contains(usage_error_of({"run", "--timeout", "soon"}), "--timeout 'soon'"));
  CHECK(contains(usage_error_of({"run", "--workers", "0"}), "from 1 to 1024"));
  CHECK(contains(usage_error_of({"run", "--workers", "1025"}), "--workers '1025'"));
  CHECK(contains(usage_error_of({"run", "--stack-size", "big"}), "--stack-size 'big'"));
  CHECK(contains(usage_error_of({"run", "--output", "/no/such/dir/r.json"}), "does not exist"));
  e = usage_error_of({"run", "--frobnicate"});
  CHECK(contains(e, "--frobnicate"));
  CHECK(contains(e, "--workload"));
  CHECK(contains(usage_error_of({"explode"}), "explode"));
  CHECK(contains(usage_error_of({"compare", "a.json"}), "B"));
  CHECK(contains(usage_error_of({"compare", "a", "b", "--threshold", "1001"}), "'1001'"));
  CHECK(contains(usage_error_of({"compare", "a", "b", "--threshold", "nan"}), "'nan'"));
  CHECK(contains(usage_error_of({"compare", "a", "b", "--alpha", "-0.1"}), "'-0.1'"));
  CHECK(contains(usage_error_of({"compare", "a", "b", "--alpha", "1.5"}), "less than 1"));
}

TEST_CASE("cli: an error line quotes a value without its control characters") {
  const std::string e = usage_error_of({"run", "--workload", "a\rb\x1b[2Jc\nd"});
  CHECK(contains(e, "'a b [2Jc d'"));
}

TEST_CASE("cli: a sweep list holds at most 1,000 values (each was checked against every other)") {
  // 20,000 sizes fit in one argument (the kernel allows 128 KiB) and took seconds to check.
  std::string sizes = "1";
  for (int i = 2; i <= 20'000; ++i) sizes += "," + std::to_string(i);
  CHECK(contains(usage_error_of({"run", "--size", sizes.c_str()}),
                 "--size: 20000 values; a sweep takes at most 1000"));
  sizes = "1";
  for (int i = 2; i <= 1000; ++i) sizes += "," + std::to_string(i);
  const cli_command c = parse({"run", "--size", sizes.c_str()});
  REQUIRE(std::holds_alternative<run_request>(c));
  CHECK(std::get<run_request>(c).params.size_sweep.size() == 1000);
}

namespace {

using threadlab::testing::process_result;
using threadlab::testing::run_threadlab;

void check_usage_error(const std::vector<std::string>& args, const std::string& names) {
  const process_result r = run_threadlab(args);
  CAPTURE(r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find(names) != std::string::npos);
  CHECK(r.err.find('\n') == r.err.size() - 1);  // exactly one line
}

}  // namespace

TEST_CASE("threadlab program: bad command lines exit 2 with one line on stderr") {
  check_usage_error({"run", "--workload", "nope"}, "'nope'");
  check_usage_error({"run", "--workload", "nope"}, "skynet");
  check_usage_error({"run", "--model", "nope"}, "kernel");
  check_usage_error({"run", "--format", "xml"}, "markdown");
  check_usage_error({"run", "--size", "0"}, "--size '0'");
  check_usage_error({"run", "--size", "many"}, "--size 'many'");
  check_usage_error({"run", "--repetitions", "0"}, "--repetitions '0'");
  check_usage_error({"run", "--timeout", "0"}, "--timeout '0'");
  check_usage_error({"run", "--timeout=-1"}, "--timeout '-1'");
  check_usage_error({"run", "--workers", "0"}, "--workers '0'");
  check_usage_error({"run", "--workers", "2000"}, "--workers '2000'");
  check_usage_error({"run", "--output", "/no/such/dir/out.json"}, "/no/such/dir");
  check_usage_error({"run", "--bogus"}, "--bogus");
  check_usage_error({"compare", "/no/such/a.json", "/no/such/b.json"}, "/no/such/a.json");
}

TEST_CASE("threadlab program: list names every model with its capabilities") {
  const process_result r = run_threadlab({"list"});
  CHECK(r.status == 0);
  CHECK(r.out.find("kernel") != std::string::npos);
  CHECK(r.out.find("capabilities:") != std::string::npos);
  CHECK(r.out.find("context_switch") != std::string::npos);
  CHECK(r.out.find("coroutines") != std::string::npos);
}

TEST_CASE("threadlab program: a workload without a coroutine form is skipped on coroutines") {
  const process_result r =
      run_threadlab({"run", "--workload", "fairness", "--model", "coroutines", "--quiet"});
  CHECK(r.status == 0);
  CHECK(r.out.find("skipped") != std::string::npos);
  CHECK(
      r.out.find("fairness on coroutines: model coroutines is stackless: workload fairness has no "
                 "coroutine form (run_async)") != std::string::npos);
}
