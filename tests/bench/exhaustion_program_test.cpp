// tests/bench/exhaustion_program_test.cpp — the real program under real limits: an explicit
// --size that cannot fit refused before anything runs, and a limit hit at run time ending the
// pair with the one-line diagnosis (`ulimit -v` on memory/kernel, `ulimit -u`, `ulimit -n` on
// echo/kernel). No timing is asserted.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/run/limits.hpp"
#include "program_support.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;
using threadlab::testing::resource_limit;
using threadlab::testing::run_threadlab_limited;

namespace {

// under_asan — AddressSanitizer reserves terabytes of address space (its shadow) and keeps
// descriptors of its own: `ulimit -v` and `ulimit -n` mean something else under it.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool under_asan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool under_asan = true;
#else
constexpr bool under_asan = false;
#endif
#else
constexpr bool under_asan = false;
#endif

constexpr rlim_t one_gib = rlim_t{1} << 30;

// nobody — the user the RLIMIT_NPROC test runs the program as when the tests run as root.
constexpr uid_t nobody = 65534;

// one_run(args) — args for one measured repetition and no warm-up, as JSON.
std::vector<std::string> one_run(std::vector<std::string> args) {
  for (const char* a : {"--warmup", "0", "--repetitions", "1", "--quiet", "--format", "json"}) {
    args.emplace_back(a);
  }
  return args;
}

// only_record(out) — the one record of a JSON report.
nlohmann::json only_record(const std::string& out) {
  const nlohmann::json report = nlohmann::json::parse(out);
  REQUIRE(report.at("records").size() == 1);
  return report.at("records").at(0);
}

// error_reason(ran) — the reason of the one record of a run that failed (exit status 1), which
// must be an error.
std::string error_reason(const threadlab::testing::process_result& ran) {
  CHECK(ran.status == 1);
  const nlohmann::json r = only_record(ran.out);
  CHECK(r.at("status") == "error");
  return r.at("reason");
}

// allowed_size(line, limit) — the size the refusal says `limit` allows: the number after
// "<limit>, which allows --size ".
std::uint64_t allowed_size(const std::string& line, const std::string& limit) {
  const std::string key = limit + ", which allows --size ";
  const auto at = line.find(key);
  REQUIRE(at != std::string::npos);
  std::string digits;
  for (std::size_t i = at + key.size(); i < line.size() && line[i] != ' '; ++i) {
    if (line[i] != ',') digits += line[i];
  }
  return std::strtoull(digits.c_str(), nullptr, 10);
}

}  // namespace

TEST_CASE("ulimit -v: a size that cannot fit is refused, and the largest allowed runs out") {
  if (under_asan) {
    MESSAGE("skipped under AddressSanitizer: its shadow memory is terabytes of address space");
    return;
  }
  const std::vector<resource_limit> limits{{RLIMIT_AS, one_gib}};
  const auto refused = run_threadlab_limited(
      one_run({"run", "--workload", "memory", "--model", "kernel", "--size", "1000000"}), limits);
  CHECK(refused.status == 2);
  CHECK(refused.out.empty());
  CHECK(refused.err.rfind("threadlab: --size 1,000,000 does not fit this machine: memory on "
                          "kernel needs 1,000,001 threads: ",
                          0) == 0);
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
  const std::uint64_t largest = allowed_size(refused.err, "RLIMIT_AS (ulimit -v) is 1 GiB");
  REQUIRE(largest > 0);

  // The estimate counts the stacks alone; the child also holds the diagnosis's 16 MiB reserve
  // (two stacks' worth), so the largest size allowed runs out of address space for real.
  const auto ran = run_threadlab_limited(one_run({"run", "--workload", "memory", "--model",
                                                  "kernel", "--size", std::to_string(largest)}),
                                         limits);
  const std::string reason = error_reason(ran);
  INFO(reason);
  CHECK(reason.rfind("out of address space: RLIMIT_AS (ulimit -v) is 1 GiB and the process had "
                     "mapped ",
                     0) == 0);
  CHECK(contains(reason, " when spawning thread "));
  CHECK(contains(reason, " failed (workload memory on model kernel, repetition 1)"));
  CHECK(reason.find('\n') == std::string::npos);
}

TEST_CASE("ulimit -v: at the default size, memory stops at the limit and names it") {
  if (under_asan) {
    MESSAGE("skipped under AddressSanitizer: its shadow memory is terabytes of address space");
    return;
  }
  const auto ran = run_threadlab_limited(
      one_run({"run", "--workload", "memory", "--model", "kernel"}), {{RLIMIT_AS, one_gib}});
  CHECK(ran.status == 0);
  const nlohmann::json r = only_record(ran.out);
  CHECK(r.at("status") == "ok");
  CHECK(r.at("scaled") == true);
  const std::string note = r.at("note");
  CHECK(contains(note, "threads by a limit: out of address space: RLIMIT_AS (ulimit -v) is 1 GiB"));
}

TEST_CASE("ulimit -u: too many kernel threads refused beforehand, or diagnosed when spawned") {
  // RLIMIT_NPROC does not bind root's own user: as root, the program runs as nobody.
  const uid_t user = ::getuid() == 0 ? nobody : threadlab::testing::as_self;
  // Room for the program, its child and a few dozen threads, whatever else the user runs.
  const rlim_t tasks = (user == nobody ? 0 : read_system_usage().user_tasks) + 60;
  const std::vector<resource_limit> limits{{RLIMIT_NPROC, tasks}};
  const auto refused = run_threadlab_limited(
      one_run({"run", "--workload", "memory", "--model", "kernel", "--size", "1000"}), limits,
      user);
  if (refused.status == 127) {
    MESSAGE("skipped: user nobody cannot run " THREADLAB_EXE);
    return;
  }
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "memory on kernel needs 1,001 threads: RLIMIT_NPROC (ulimit -u) is " +
                                  std::to_string(tasks) + ", which allows --size "));
  // At its default size, timers spawns up to the thread budget, past the limit.
  const auto ran = run_threadlab_limited(
      one_run({"run", "--workload", "timers", "--model", "kernel"}), limits, user);
  const std::string reason = error_reason(ran);
  INFO(reason);
  CHECK(reason.rfind("out of threads: RLIMIT_NPROC (ulimit -u) is " + std::to_string(tasks) +
                         " and this user had ",
                     0) == 0);
  CHECK(contains(reason, " failed (workload timers on model kernel, repetition 1)"));
}

TEST_CASE("ulimit -n: the echo server out of descriptors ends the run with the diagnosis") {
  if (under_asan) {
    MESSAGE("skipped under AddressSanitizer, which keeps descriptors of its own");
    return;
  }
  // 200 connections need more than 64 descriptors on the server's side.
  const auto ran = run_threadlab_limited(
      one_run({"run", "--workload", "echo", "--model", "kernel", "--size", "200"}),
      {{RLIMIT_NOFILE, 64}});
  const std::string reason = error_reason(ran);
  INFO(reason);
  CHECK(reason.rfind("out of file descriptors: RLIMIT_NOFILE (ulimit -n) is 64 and the process "
                     "had ",
                     0) == 0);
  CHECK(contains(reason, " open when accepting connection "));
  CHECK(contains(reason, " failed (workload echo on model kernel, repetition 1)"));
}
