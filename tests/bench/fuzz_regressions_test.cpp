// tests/bench/fuzz_regressions_test.cpp — inputs the fuzz targets (tests/fuzz) failed on, found
// by the fuzzers or written for a target after reading the code it drives; each is fed to that
// code and named for what went wrong, so that every build checks it, not only a fuzzing run. The
// contract checked is the targets' own: a rejected input is one std::runtime_error with a
// one-line message; an accepted one gives sane figures.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "bench/report/compare.hpp"
#include "bench/report/results_file.hpp"
#include "bench/workloads/http.hpp"

using threadlab::parse_results_text;
using threadlab::workloads::parse_wrk;

namespace {

// refused_in_one_line(parse, input) — parse(input) throws std::runtime_error whose message has
// no control character (nothing else escapes: a std::logic_error would fail the check too).
template <class Parse>
void refused_in_one_line(Parse parse, const std::string& input) {
  std::string message;
  try {
    (void)parse(input);
    FAIL("accepted: ", input);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CAPTURE(message);
  for (const char c : message) CHECK(static_cast<unsigned char>(c) >= 0x20);
  CHECK(message.size() <= 1024);
}

void refused_wrk(const std::string& input) {
  refused_in_one_line([](const std::string& t) { return parse_wrk(t); }, input);
}

void refused_results(const std::string& input) {
  refused_in_one_line([](const std::string& t) { return parse_results_text(t); }, input);
}

// threadlab_file(workers, median) — a one-record threadlab results file with these two values
// spliced in as written.
std::string threadlab_file(const std::string& workers, const std::string& median) {
  return R"({"schema": "threadlab.results/1",
  "environment": {"cpu_model": "AMD EPYC", "cpu_governor": "unavailable", "logical_cores": 2,
    "cores_used": 2, "kernel": "Linux", "compiler": "GCC 12.2.0", "cxx_flags": "-O2",
    "build_type": "Release", "boost_version": "1.74.0", "git_revision": "abc",
    "git_dirty": false, "date_utc": "2026-12-01T01:39:50Z", "hostname": "vm"},
  "parameters": {"warmup": 1, "repetitions": 2, "timeout_s": 60.0, "workers": 2,
    "stack_size": 0, "size": 1000, "workers_sweep": [], "size_sweep": []},
  "records": [{"workload": "yield", "model": "kernel", "status": "ok", "reason": "",
    "workers": )" +
         workers + R"(, "requested_size": 1000, "size": 1000, "scaled": false, "note": "",
    "check": "", "configuration": "",
    "metrics": [{"name": "ns_per_yield", "unit": "ns", "lower_is_better": true,
      "median": )" +
         median + R"(, "min": 3000, "max": 3300, "mad": 100, "count": 2, "unstable": false,
      "ci_low": 3000, "ci_high": 3300, "ci_level": 0.5, "samples": [3000, 3300]}],
    "rusage": {"peak_rss_bytes": 1, "voluntary_ctx_switches": 1,
      "involuntary_ctx_switches": 1}}]})";
}

}  // namespace

// The baseline for the refusals below: what parse_wrk must still read.
TEST_CASE("parse_wrk: a real wrk --latency report is read, figure by figure") {
  const auto r = parse_wrk(
      "Running 1s test @ http://127.0.0.1:38517/\n"
      "  1 threads and 4 connections\n"
      "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
      "    Latency     8.61ms    5.82ms  42.21ms   79.30%\n"
      "    Req/Sec   486.09    138.69   690.00     45.45%\n"
      "  Latency Distribution\n"
      "     50%    7.28ms\n"
      "     75%   11.43ms\n"
      "     90%   15.71ms\n"
      "     99%   33.75us\n"
      "  534 requests in 1.10s, 271.35KB read\n"
      "  Socket errors: connect 1, read 2, write 0, timeout 3\n"
      "  Non-2xx or 3xx responses: 534\n"
      "Requests/sec:    485.45\n"
      "Transfer/sec:    246.68KB\n");
  CHECK(r.requests == 534);
  CHECK(r.p50_ns == doctest::Approx(7.28e6));
  CHECK(r.p90_ns == doctest::Approx(15.71e6));
  CHECK(r.p99_ns == doctest::Approx(33.75e3));
  CHECK(r.requests_per_s == doctest::Approx(485.45));
  CHECK(r.transfer_bytes_per_s == doctest::Approx(246.68 * 1024));
  CHECK(r.socket_errors == 6);
  CHECK(r.socket_error_kinds == "connect 1, read 2, write 0, timeout 3");
  CHECK(r.non_2xx == 534);
}

TEST_CASE("fuzz regression: parse_wrk quoted the whole output, line breaks and all, in its error") {
  refused_wrk("\n");
  refused_wrk("Running 1s test @ http://127.0.0.1:8080/\n  1 threads and 2 connections\n");
  // Quoted, 10,000 lines of output are cut to a few hundred bytes, between two characters.
  std::string long_output;
  for (int i = 0; i < 10'000; ++i) long_output += "  réponse µs\n";
  refused_wrk(long_output);
  refused_wrk(std::string(10'000, '\x80'));  // not UTF-8 at all: cut anyway
}

TEST_CASE("fuzz regression: parse_wrk let std::invalid_argument out for a latency not a number") {
  refused_wrk("     50%  x\nRequests/sec: 1\n  1 requests in 1.00s, 1B read\n");
}

TEST_CASE("fuzz regression: parse_wrk let std::out_of_range out for a latency past a double") {
  refused_wrk("     99%  1e999ms\n");
}

TEST_CASE("fuzz regression: parse_wrk let std::invalid_argument out for a request count") {
  refused_wrk("  x requests in 1.00s, 1B read\n");
}

TEST_CASE("fuzz regression: parse_wrk let std::out_of_range out of 'Socket errors:' alone") {
  refused_wrk("  Socket errors:");
}

TEST_CASE("fuzz regression: parse_wrk let std::invalid_argument out of a Non-2xx line") {
  refused_wrk("  Non-2xx or 3xx responses\n");
}

TEST_CASE("fuzz regression: parse_wrk accepted negative and infinite figures") {
  refused_wrk("     50%  -1ms\nRequests/sec: 1\n  1 requests in 1.00s, 1B read\n");
  refused_wrk("     50%  1ms\nRequests/sec: inf\n  1 requests in 1.00s, 1B read\n");
}

TEST_CASE("fuzz regression: a results file's workers of 1e300 was cast to unsigned (UB)") {
  CHECK_NOTHROW(parse_results_text(threadlab_file("2", "3150")));
  refused_results(threadlab_file("1e300", "3150"));
  refused_results(threadlab_file("-1", "3150"));
  refused_results(threadlab_file("4294967296", "3150"));
}

TEST_CASE("fuzz regression: a results file's median of 1e999 was read as infinity") {
  refused_results(threadlab_file("2", "1e999"));
}

TEST_CASE("fuzz regression: a Google Benchmark real_time of 1e308 s gave infinite samples") {
  // Read, these failed mann_whitney_u's precondition (finite values) in compare.
  refused_results(R"({"benchmarks": [{"name": "a", "real_time": 1e308, "time_unit": "s"},
                                     {"name": "a", "real_time": 1e308, "time_unit": "s"}]})");
  refused_results(R"({"benchmarks": [{"name": "a", "real_time": -5, "time_unit": "ns"}]})");
  refused_results(R"({"context": {"num_cpus": 1e30}, "benchmarks": []})");
}

TEST_CASE("fuzz regression: a results-file error carried a benchmark name's line break") {
  refused_results(R"({"benchmarks": [{"name": "a\nb\u001b[2J"}]})");
  refused_results(R"({"benchmarks": [{"name": ")" + std::string(5000, 'x') + R"("}]})");
}
