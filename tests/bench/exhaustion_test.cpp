// tests/bench/exhaustion_test.cpp — the one-line diagnosis of a limit reached
// (bench/run/exhaustion.hpp), with injected limits and usage for each limit it names; which
// failures count as running out; the reserve; and the readers of bench/run/limits.hpp on this
// machine.
#include "bench/run/exhaustion.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

#include "bench/run/limits.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

// roomy() — a snapshot far from every limit.
limits_snapshot roomy() {
  limits_snapshot s;
  s.limits.address_space = unlimited;
  s.limits.user_tasks = unlimited;
  s.limits.open_files = 1024;
  s.limits.pid_max = 4'194'304;
  s.limits.threads_max = 1'000'000;
  s.limits.map_count = 65'530;
  s.limits.memory_available = 8192 * mib;
  s.usage.mapped_bytes = 100 * mib;
  s.usage.user_tasks = 50;
  s.usage.system_tasks = 300;
  s.usage.open_files = 10;
  s.usage.mappings = 200;
  return s;
}

}  // namespace

TEST_CASE("exhaustion: RLIMIT_AS, with the address space mapped") {
  limits_snapshot s = roomy();
  s.limits.address_space = 1024 * mib;
  s.usage.mapped_bytes = 1017 * mib;
  CHECK(diagnose_exhaustion(exhaustion_kind::tasks, s, "spawning thread 118") ==
        "out of address space: RLIMIT_AS (ulimit -v) is 1 GiB and the process had mapped "
        "1,017 MiB when spawning thread 118 failed");
  CHECK(diagnose_exhaustion(exhaustion_kind::memory, s, "spawning thread 118") ==
        "out of address space: RLIMIT_AS (ulimit -v) is 1 GiB and the process had mapped "
        "1,017 MiB when spawning thread 118 failed");
}

TEST_CASE("exhaustion: RLIMIT_NPROC, with the user's tasks") {
  limits_snapshot s = roomy();
  s.limits.user_tasks = 60;
  s.usage.user_tasks = 60;
  CHECK(diagnose_exhaustion(exhaustion_kind::tasks, s, "spawning thread 12") ==
        "out of threads: RLIMIT_NPROC (ulimit -u) is 60 and this user had 60 tasks when "
        "spawning thread 12 failed");
  // Not a task limit when memory ran out.
  CHECK_FALSE(contains(diagnose_exhaustion(exhaustion_kind::memory, s, "x"), "RLIMIT_NPROC ("));
}

TEST_CASE("exhaustion: RLIMIT_NOFILE, with the descriptors open") {
  limits_snapshot s = roomy();
  s.limits.open_files = 64;
  s.usage.open_files = 64;
  CHECK(diagnose_exhaustion(exhaustion_kind::descriptors, s, "accepting connection 58") ==
        "out of file descriptors: RLIMIT_NOFILE (ulimit -n) is 64 and the process had 64 open "
        "when accepting connection 58 failed");
  CHECK(diagnose_exhaustion(exhaustion_kind::system_descriptors, s, "accepting connection 58") ==
        "out of file descriptors: the system's file table (fs.file-max) is full when accepting "
        "connection 58 failed");
}

TEST_CASE("exhaustion: kernel.pid_max and kernel.threads-max, with the system's tasks") {
  limits_snapshot s = roomy();
  s.limits.pid_max = 32'768;
  s.usage.system_tasks = 32'760;
  CHECK(diagnose_exhaustion(exhaustion_kind::tasks, s, "spawning thread 9,000") ==
        "out of threads: kernel.pid_max is 32,768 and the system had 32,760 tasks when spawning "
        "thread 9,000 failed");
  s.limits.threads_max = 32'000;
  CHECK(diagnose_exhaustion(exhaustion_kind::tasks, s, "forking the child") ==
        "out of threads: kernel.threads-max is 32,000 and the system had 32,760 tasks when "
        "forking the child failed");
}

TEST_CASE("exhaustion: vm.max_map_count, with the process's mappings") {
  limits_snapshot s = roomy();
  s.usage.mappings = 65'528;
  CHECK(diagnose_exhaustion(exhaustion_kind::memory, s, "spawning thread 32,700") ==
        "out of memory mappings: vm.max_map_count is 65,530 and the process had 65,528 "
        "mappings when spawning thread 32,700 failed");
  // pthread_create says EAGAIN when the stack's mmap fails.
  CHECK(contains(diagnose_exhaustion(exhaustion_kind::tasks, s, "x"), "vm.max_map_count is"));
}

TEST_CASE("exhaustion: memory, when MemAvailable is nearly gone") {
  limits_snapshot s = roomy();
  s.limits.memory_available = 12 * mib;
  CHECK(diagnose_exhaustion(exhaustion_kind::memory, s, "spawning thread 5") ==
        "out of memory: MemAvailable was 12 MiB when spawning thread 5 failed");
}

TEST_CASE("exhaustion: no limit near gives every figure and the failure's own text") {
  const std::string line =
      diagnose_exhaustion(exhaustion_kind::tasks, roomy(), "spawning thread 3", "simulated");
  CHECK(line.rfind("out of threads: the kernel refused a task with no limit near (", 0) == 0);
  CHECK(contains(line, "kernel.pid_max 4,194,304"));
  CHECK(contains(line, "RLIMIT_AS unlimited (100 MiB mapped)"));
  CHECK(contains(line, ") when spawning thread 3 failed: simulated"));
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("exhaustion: without an action, the failure's text ends the line") {
  limits_snapshot s = roomy();
  s.limits.user_tasks = 60;
  s.usage.user_tasks = 59;
  CHECK(diagnose_exhaustion(exhaustion_kind::tasks, s, "",
                            "hybrid: cannot start kernel worker 2 of 4: Resource temporarily "
                            "unavailable") ==
        "out of threads: RLIMIT_NPROC (ulimit -u) is 60 and this user had 59 tasks: hybrid: "
        "cannot start kernel worker 2 of 4: Resource temporarily unavailable");
}

TEST_CASE("exhaustion: which failures are running out") {
  auto kind_of = [](auto e) { return exhaustion_kind_of(std::make_exception_ptr(e)); };
  CHECK(kind_of(std::system_error(EAGAIN, std::generic_category())) == exhaustion_kind::tasks);
  CHECK(kind_of(std::system_error(ENOMEM, std::system_category())) == exhaustion_kind::memory);
  CHECK(kind_of(std::system_error(EMFILE, std::generic_category())) ==
        exhaustion_kind::descriptors);
  CHECK(kind_of(std::bad_alloc()) == exhaustion_kind::memory);
  CHECK_FALSE(kind_of(std::system_error(EINVAL, std::generic_category())));
  CHECK_FALSE(kind_of(std::runtime_error("no")));
  CHECK_FALSE(exhaustion_kind_of(nullptr));
}

TEST_CASE(
    "exhaustion: rethrow_diagnosed turns running out into resource_exhausted, else rethrows") {
  try {
    try {
      throw std::system_error(EMFILE, std::generic_category(), "accept");
    } catch (...) {
      rethrow_diagnosed("accepting connection", 3);
    }
  } catch (const resource_exhausted& e) {
    const std::string what = e.what();
    CHECK(what.rfind("out of file descriptors: RLIMIT_NOFILE (ulimit -n) is ", 0) == 0);
    CHECK(contains(what, " when accepting connection 3 failed"));
  }
  CHECK_THROWS_WITH_AS(
      [] {
        try {
          throw std::runtime_error("not a limit");
        } catch (...) {
          rethrow_diagnosed("spawning thread", 1);
        }
      }(),
      "not a limit", std::runtime_error);
  const std::exception_ptr already = std::make_exception_ptr(resource_exhausted("the line"));
  CHECK(diagnosis_of(already) == "the line");
  CHECK_FALSE(diagnosis_of(std::make_exception_ptr(std::logic_error("x"))));
}

TEST_CASE("exhaustion: the reserve is 16 MiB of address space and two descriptors") {
  hold_exhaustion_reserve();
  hold_exhaustion_reserve();  // held once
  const released_reserve first = release_exhaustion_reserve();
  CHECK(first.bytes == 16 * mib);
  CHECK(first.descriptors == 2);
  const released_reserve again = release_exhaustion_reserve();
  CHECK(again.bytes == 0);
  CHECK(again.descriptors == 0);
}

TEST_CASE("limits: this machine's limits and usage can be read") {
  const limits_snapshot s = read_limits_snapshot();
  CHECK(s.limits.pid_max != unlimited);
  CHECK(s.limits.map_count != unlimited);
  CHECK(s.usage.mapped_bytes > 0);
  CHECK(s.usage.open_files >= 3);  // stdin, stdout, stderr at least
  CHECK(s.usage.mappings > 0);
  CHECK(s.usage.system_tasks >= 1);
  CHECK(limit_bytes(1024 * mib) == "1 GiB");
  CHECK(limit_bytes(1536 * mib) == "1,536 MiB");
  CHECK(limit_bytes(unlimited) == "unlimited");
  CHECK(limit_count(65'530) == "65,530");
}
