// tests/bench/compare_cli_test.cpp — `threadlab compare` run as a program on the two committed
// results files of tests/bench/fixtures: a real run of yield on green and kernel (7 repetitions,
// 2 workers, size 1000) as A, and B, the same with green's samples 1.5 times slower (clearly
// separated: p = 2/C(14, 7) = 0.0006) and kernel's 1.2 times slower, within kernel's own noise
// (p = 0.07). The verdicts and exit statuses are known; so are the warnings and the refusals.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/report/gbench.hpp"
#include "bench/report/json.hpp"
#include "bench/report/results_file.hpp"
#include "program_support.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;
using threadlab::testing::process_result;
using threadlab::testing::run_threadlab;

namespace {

const std::string fixture_a = THREADLAB_FIXTURES_DIR "/compare_a.json";
const std::string fixture_b = THREADLAB_FIXTURES_DIR "/compare_b.json";

// scratch_file — a file of given text for one test, removed afterwards.
struct scratch_file {
  std::string path;
  scratch_file(const std::string& name, const std::string& text)
      : path("/tmp/threadlab-compare-" + std::to_string(::getpid()) + "-" + name) {
    std::ofstream(path) << text;
  }
  ~scratch_file() { std::remove(path.c_str()); }
  scratch_file(const scratch_file&) = delete;
  scratch_file& operator=(const scratch_file&) = delete;
};

// line_with(text, part) — the first line of text containing part; empty when none does.
std::string line_with(const std::string& text, const std::string& part) {
  const auto at = text.find(part);
  if (at == std::string::npos) return "";
  const auto start = text.rfind('\n', at);
  const auto end = text.find('\n', at);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end == std::string::npos ? std::string::npos : end - start - 1);
}

void check_one_line_error(const process_result& r, const std::string& part) {
  CAPTURE(r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(contains(r.err, part));
  CHECK(r.err.find('\n') == r.err.size() - 1);
}

}  // namespace

TEST_CASE("threadlab compare: B significantly slower on one record exits 1") {
  const process_result r = run_threadlab({"compare", fixture_a, fixture_b});
  CAPTURE(r.out);
  CHECK(r.status == 1);
  CHECK(r.err.empty());  // the same machine and build: no warning
  const std::string green = line_with(r.out, "green");
  CHECK(contains(green, "1.500"));
  CHECK(contains(green, "0.0006"));
  CHECK(contains(green, "slower"));
  const std::string kernel = line_with(r.out, "kernel");
  CHECK(contains(kernel, "1.200"));
  CHECK(contains(kernel, "0.0728"));
  CHECK(contains(kernel, "same"));
  CHECK(contains(r.out, "1 slower, 0 faster, 1 same"));
  CHECK(contains(r.out, "1 significant regression"));
}

TEST_CASE("threadlab compare: the reverse order is faster and exits 0") {
  const process_result r = run_threadlab({"compare", fixture_b, fixture_a});
  CHECK(r.status == 0);
  CHECK(contains(line_with(r.out, "green"), "faster"));
  CHECK(contains(line_with(r.out, "kernel"), "same"));
  CHECK(contains(r.out, "no significant regression"));
}

TEST_CASE("threadlab compare: --threshold and --alpha move the verdict") {
  // A 50% change is within a 60% threshold.
  process_result r = run_threadlab({"compare", fixture_a, fixture_b, "--threshold", "60"});
  CHECK(r.status == 0);
  CHECK(contains(line_with(r.out, "green"), "same"));
  // With alpha 0.0001, 7 and 7 repetitions (p >= 0.0006) can never be significant.
  r = run_threadlab({"compare", fixture_a, fixture_b, "--alpha", "0.0001"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "too few repetitions: 7 and 7"));
  // A looser alpha makes kernel's 1.2 a verdict too.
  r = run_threadlab({"compare", fixture_a, fixture_b, "--alpha=0.1"});
  CHECK(r.status == 1);
  CHECK(contains(line_with(r.out, "kernel"), "slower"));
}

TEST_CASE("threadlab compare: its own --format gbench output compares the same way") {
  const scratch_file a("a.gbench.json", render_gbench(read_results_file(fixture_a).res));
  const scratch_file b("b.gbench.json", render_gbench(read_results_file(fixture_b).res));
  const process_result r = run_threadlab({"compare", a.path, b.path});
  CAPTURE(r.out);
  CHECK(r.status == 1);
  CHECK(r.err.empty());
  CHECK(contains(line_with(r.out, "yield/green"), "slower"));
  CHECK(contains(line_with(r.out, "yield/green"), "real_time"));
  CHECK(contains(line_with(r.out, "yield/kernel"), "same"));
  // Mixed formats: the records cannot match, and a warning says why.
  const process_result mixed = run_threadlab({"compare", fixture_a, b.path});
  CHECK(mixed.status == 0);
  CHECK(contains(mixed.err, "A is threadlab results and B is Google Benchmark JSON"));
  CHECK(contains(mixed.out, "only in B"));
}

TEST_CASE("threadlab compare: different machines are warned about (one line each) and compared") {
  results b = read_results_file(fixture_b).res;
  b.env.hostname = "elsewhere";
  b.env.boost_version = "1.83.0";
  const scratch_file moved("b.json", render_json(b));
  const process_result r = run_threadlab({"compare", fixture_a, moved.path});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "threadlab: warning: A and B come from different machines: hostname"));
  CHECK(contains(r.err, "threadlab: warning: A and B use different Boost versions"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 2);
  CHECK(contains(r.out, "slower"));
}

TEST_CASE("threadlab compare: bad options and unreadable files exit 2 with one line") {
  check_one_line_error(run_threadlab({"compare", fixture_a, fixture_b, "--threshold", "-1"}),
                       "--threshold '-1'");
  check_one_line_error(run_threadlab({"compare", fixture_a, fixture_b, "--threshold", "ten"}),
                       "expected a percentage from 0 to 1000");
  check_one_line_error(run_threadlab({"compare", fixture_a, fixture_b, "--alpha", "1"}),
                       "--alpha '1'");
  check_one_line_error(run_threadlab({"compare", fixture_a, fixture_b, "--alpha", "0"}),
                       "more than 0 and less than 1");
  check_one_line_error(run_threadlab({"compare", fixture_a, "/no/such/b.json"}), "/no/such/b.json");
  const scratch_file other("other.json", "{\"traceEvents\": []}\n");
  check_one_line_error(run_threadlab({"compare", other.path, fixture_b}),
                       "neither a threadlab results file");
  const scratch_file broken("broken.json", "{\"benchmarks\": [\n");
  check_one_line_error(run_threadlab({"compare", fixture_a, broken.path}), "not valid JSON");
}
