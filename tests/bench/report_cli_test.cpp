// tests/bench/report_cli_test.cpp — `threadlab report R.json`: the command line is understood,
// a results file is drawn as an HTML page or in any --format, and a file that cannot be read
// or is not a results file gives one line on stderr and exit status 2. First through
// parse_command_line; then by running the real program.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "bench/cli/cli.hpp"
#include "bench/report/json.hpp"
#include "fake_registry.hpp"
#include "program_support.hpp"
#include "results_support.hpp"
#include "text_support.hpp"

namespace fs = std::filesystem;
using namespace threadlab;
using threadlab::testing::contains;
using threadlab::testing::process_result;
using threadlab::testing::run_threadlab;
using threadlab::testing::slurp;

namespace {

cli_command parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"threadlab"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), fakes::healthy_registry());
}

// scratch_dir — a fresh directory for one test, removed at the end.
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    std::string pattern = (fs::temp_directory_path() / "threadlab-report-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~scratch_dir() { fs::remove_all(path); }
  std::string operator/(const char* name) const { return (path / name).string(); }
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// small_results() — two models on one workload, and a skip.
results small_results() {
  results res;
  res.env = testing::environment_of_tests();
  res.records.push_back(testing::measured("pingpong", "green", 120));
  res.records.push_back(testing::measured("pingpong", "hybrid", 60));
  res.records.push_back(testing::not_measured("pingpong", "kernel_pool", record_status::skipped,
                                              "a pool cannot block"));
  return res;
}

}  // namespace

TEST_CASE("cli: report takes a results file, --html, --format and --output") {
  cli_command c = parse({"report", "r.json", "--html", "/tmp/r.html"});
  const auto* req = std::get_if<report_request>(&c);
  REQUIRE(req != nullptr);
  CHECK(req->input == "r.json");
  CHECK(req->html == "/tmp/r.html");
  CHECK_FALSE(req->text);  // --html alone writes no text report

  c = parse({"report", "r.json"});
  req = std::get_if<report_request>(&c);
  REQUIRE(req != nullptr);
  CHECK_FALSE(req->html.has_value());
  CHECK(req->text);
  CHECK(req->format == report_format::table);

  c = parse({"report", "r.json", "--html", "/tmp/r.html", "--format", "markdown"});
  req = std::get_if<report_request>(&c);
  REQUIRE(req != nullptr);
  CHECK(req->text);
  CHECK(req->format == report_format::markdown);
}

TEST_CASE("cli: report's bad values are one line, exit 2") {
  for (const auto& args :
       std::vector<std::vector<const char*>>{{"report"},
                                             {"report", "r.json", "--format", "pdf"},
                                             {"report", "r.json", "--html", "/no/such/dir/r.html"},
                                             {"report", "r.json", "--bogus"}}) {
    std::vector<const char*> argv{"threadlab"};
    argv.insert(argv.end(), args.begin(), args.end());
    const cli_command c =
        parse_command_line(static_cast<int>(argv.size()), argv.data(), fakes::healthy_registry());
    const auto* exit = std::get_if<cli_exit>(&c);
    REQUIRE(exit != nullptr);
    CHECK(exit->code == exit_usage);
    CHECK(exit->text.find('\n') == std::string::npos);
  }
}

TEST_CASE("threadlab program: report draws a results file as HTML, atomically") {
  const scratch_dir dir;
  const std::string json = dir / "r.json";
  const std::string html = dir / "r.html";
  write_file(json, render_json(small_results()));
  const process_result r = run_threadlab({"report", json, "--html", html});
  CAPTURE(r.err);
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  const std::string page = slurp(html);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(page, "id=\"chart-pingpong\""));
  CHECK(contains(page, "pingpong on kernel_pool: a pool cannot block"));
  // Written by rename: the directory holds the two files and no temporary one.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 2);
}

TEST_CASE("threadlab program: report renders a results file in any --format") {
  const scratch_dir dir;
  const std::string json = dir / "r.json";
  write_file(json, render_json(small_results()));
  process_result r = run_threadlab({"report", json, "--format", "markdown"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "| pingpong |"));
  r = run_threadlab({"report", json, "--format", "json", "--output", dir / "copy.json"});
  CHECK(r.status == 0);
  CHECK(slurp(dir / "copy.json") == slurp(json));  // the JSON round-trips exactly
}

TEST_CASE("threadlab program: report of a missing or malformed file is one line, exit 2") {
  const scratch_dir dir;
  const std::string bad = dir / "bad.json";
  write_file(bad, "{\"schema\": \"something else\"}");
  const std::string not_json = dir / "not.json";
  write_file(not_json, "<html>\n");
  for (const std::string& input : {std::string("/no/such/r.json"), bad, not_json}) {
    CAPTURE(input);
    const process_result r = run_threadlab({"report", input, "--html", dir / "r.html"});
    CAPTURE(r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, input));
    CHECK(r.err.find('\n') == r.err.size() - 1);  // exactly one line
    CHECK_FALSE(fs::exists(dir / "r.html"));
  }
}
