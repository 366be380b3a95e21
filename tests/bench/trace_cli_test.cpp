// tests/bench/trace_cli_test.cpp — `threadlab trace`: its command line (checked like `run`'s:
// one line, exit 2), the command over the fake registry (a model that records nothing still
// gives a valid, empty trace and says so), and real small
// pingpong traces on green, kernel, hybrid and boost_fiber_ws, checked span by span.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "bench/cli/cli.hpp"
#include "fake_registry.hpp"
#include "program_support.hpp"
#include "text_support.hpp"
#include "trace_test_support.hpp"

using namespace threadlab;

namespace {

cli_command parse_trace(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"threadlab", "trace"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), fakes::healthy_registry());
}

// trace_usage_error(args) — the one-line usage error `threadlab trace args` gives.
std::string trace_usage_error(std::initializer_list<const char*> args) {
  const cli_command c = parse_trace(args);
  const auto* exit = std::get_if<cli_exit>(&c);
  REQUIRE(exit != nullptr);
  CHECK(exit->code == exit_usage);
  CHECK(exit->text.find('\n') == std::string::npos);
  return exit->text;
}

using threadlab::testing::contains;
using threadlab::testing::slurp;

// temp_path(tag) — a fresh path in /tmp for one test's output (the file is not created).
std::string temp_path(const std::string& tag) {
  return "/tmp/threadlab-trace-test-" + std::to_string(::getpid()) + "-" + tag;
}

}  // namespace

TEST_CASE("trace cli: a good request is understood, with the documented defaults") {
  const cli_command c = parse_trace({"--workload", "counting", "--model", "quick"});
  const auto* req = std::get_if<trace_request>(&c);
  REQUIRE(req != nullptr);
  CHECK(req->workload == "counting");
  CHECK(req->model == "quick");
  CHECK_FALSE(req->size.has_value());
  CHECK(req->max_events == 1'000'000);
  CHECK(req->output == "trace.json");
  CHECK_FALSE(req->svg.has_value());

  const cli_command d =
      parse_trace({"--workload", "counting", "--model", "pool", "--size", "7", "--workers", "3",
                   "--max-events", "500", "--output", "/tmp/t.json", "--svg", "/tmp/t.svg"});
  const auto* full = std::get_if<trace_request>(&d);
  REQUIRE(full != nullptr);
  CHECK(full->size == 7u);
  CHECK(full->workers == 3);
  CHECK(full->max_events == 500);
  CHECK(full->svg == std::string("/tmp/t.svg"));
}

TEST_CASE("trace cli: bad values exit 2 with one line naming them") {
  CHECK(contains(trace_usage_error({"--model", "quick"}), "--workload"));
  CHECK(contains(trace_usage_error({"--workload", "counting"}), "--model"));
  CHECK(contains(trace_usage_error({"--workload", "nope", "--model", "quick"}), "'nope'"));
  CHECK(contains(trace_usage_error({"--workload", "floor", "--model", "quick"}), "baseline"));
  CHECK(contains(trace_usage_error({"--workload", "counting", "--model", "nope"}), "quick"));
  CHECK(contains(trace_usage_error({"--workload", "waiting", "--model", "pool"}),
                 "waits_on_threads"));
  CHECK(contains(trace_usage_error({"--workload", "counting", "--model", "quick", "--size", "0"}),
                 "--size '0'"));
  CHECK(contains(
      trace_usage_error({"--workload", "counting", "--model", "quick", "--max-events", "none"}),
      "--max-events 'none'"));
  CHECK(contains(trace_usage_error(
                     {"--workload", "counting", "--model", "quick", "--svg", "/no/such/dir/t.svg"}),
                 "/no/such/dir"));
}

TEST_CASE("trace cli: a model that records nothing gives a valid empty trace and says so") {
  const std::string json = temp_path("empty.json");
  const std::string svg = temp_path("empty.svg");
  trace_request req;
  req.workload = "counting";
  req.model = "quick";
  req.output = json;
  req.svg = svg;
  std::ostringstream out;
  std::ostringstream err;
  CHECK(trace_command(fakes::healthy_registry(), req, out, err) == exit_ok);
  CHECK(contains(err.str(), "recorded no events"));
  const nlohmann::json doc = nlohmann::json::parse(slurp(json));
  CHECK(trace_testing::check_chrome_trace(doc).problems.empty());
  CHECK(doc["otherData"]["size"] == 1000);  // counting's trace size: min(default, 1,000)
  CHECK(contains(slurp(svg), "no events recorded"));
  std::remove(json.c_str());
  std::remove(svg.c_str());
}

namespace {

using threadlab::testing::process_result;

// check_real_pingpong(model) — a 50-round-trip pingpong trace on model, checked span by span.
// Every model's adapter reports to the tracer, so an empty trace is a failure.
void check_real_pingpong(const std::string& model) {
  const std::string json = temp_path(model + ".json");
  const process_result r = threadlab::testing::run_threadlab(
      {"trace", "--workload", "pingpong", "--model", model, "--size", "50", "--output", json});
  CAPTURE(r.err);
  REQUIRE(r.status == 0);
  const nlohmann::json doc = nlohmann::json::parse(slurp(json));
  std::remove(json.c_str());
  REQUIRE(doc["otherData"]["events_recorded"] != 0);
  const auto check = trace_testing::check_chrome_trace(doc);
  for (const std::string& p : check.problems) FAIL_CHECK(p);
  CHECK(check.tracks.size() >= 2);  // ping and pong at least
  CHECK(check.spans >= 2 * 50);     // each round trip blocks and wakes both
  CHECK(doc["otherData"]["truncated"] == false);
}

}  // namespace

TEST_CASE("trace program: a real pingpong on green is a well-formed trace") {
  check_real_pingpong("green");
}

TEST_CASE("trace program: a real pingpong on kernel is a well-formed trace") {
  check_real_pingpong("kernel");
}

TEST_CASE("trace program: a real pingpong on hybrid is a well-formed trace") {
  check_real_pingpong("hybrid");
}

TEST_CASE("trace program: a real pingpong on boost_fiber_ws is a well-formed trace") {
  check_real_pingpong("boost_fiber_ws");
}

TEST_CASE("trace program: a tiny --max-events drops, says so, and marks the file") {
  const std::string json = temp_path("small.json");
  const process_result r =
      threadlab::testing::run_threadlab({"trace", "--workload", "pingpong", "--model", "green",
                                         "--size", "50", "--max-events", "10", "--output", json});
  const std::string& err_text = r.err;
  const nlohmann::json doc = nlohmann::json::parse(slurp(json));
  std::remove(json.c_str());
  CHECK(r.status == 0);
  CHECK(contains(err_text, "trace: recorded 10 events, dropped "));
  CHECK(contains(err_text, "raise --max-events"));
  CHECK(doc["otherData"]["truncated"] == true);
  CHECK(trace_testing::check_chrome_trace(doc).problems.empty());
}

TEST_CASE("trace program: threads blocked on sockets say which descriptor they wait for") {
  for (const char* model : {"kernel", "green", "hybrid"}) {
    CAPTURE(model);
    const std::string json = temp_path(std::string("http-") + model + ".json");
    const process_result r = threadlab::testing::run_threadlab(
        {"trace", "--workload", "http", "--model", model, "--output", json});
    CAPTURE(r.err);
    REQUIRE(r.status == 0);
    const nlohmann::json doc = nlohmann::json::parse(slurp(json));
    std::remove(json.c_str());
    std::size_t on_sockets = 0;
    for (const nlohmann::json& e : doc["traceEvents"]) {
      if (e.value("ph", "") != "X" || e.value("name", "") != "blocked") continue;
      if (!e.contains("args") || !e["args"].contains("reason")) continue;
      const std::string reason = e["args"]["reason"];
      if (reason.rfind("fd ", 0) == 0 && contains(reason, "readable")) ++on_sockets;
    }
    CHECK(on_sockets > 0);
  }
}
