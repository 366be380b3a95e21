// tests/bench/progress_line_test.cpp — the progress line: what it says (with a clock the test
// moves), and that the real program draws it only on a terminal, never on stdout.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "bench/cli/progress_line.hpp"
#include "program_support.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;
using namespace std::chrono_literals;

namespace {

// on_terminal — what the program wrote to stdout (a file) and to stderr (a pseudo-terminal).
struct on_terminal {
  int status = -1;
  std::string out;
  std::string terminal;
};

// run_on_terminal(args) — runs the real program with stderr on a pseudo-terminal and stdout in
// a file, reading the terminal while it runs.
on_terminal run_on_terminal(const std::vector<std::string>& args) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(slave >= 0);
  char out_path[] = "/tmp/threadlab-tty-out-XXXXXX";
  const int out_fd = ::mkstemp(out_path);
  REQUIRE(out_fd >= 0);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, slave, STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, master);
  std::vector<char*> argv = threadlab::testing::program_argv(args);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, THREADLAB_EXE, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(slave);
  ::close(out_fd);
  REQUIRE(spawned == 0);

  on_terminal r;
  // Read until the last writer is gone (EIO on Linux), so the child never blocks on a full
  // terminal buffer.
  for (;;) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 30'000) <= 0) break;
    char buffer[4096];
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n <= 0) break;
    r.terminal.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::close(master);
  r.out = threadlab::testing::slurp(out_path);
  ::unlink(out_path);
  return r;
}

const std::vector<std::string> small_run = {
    "run",    "--workload", "yield,context_switch", "--model", "green",
    "--size", "100",        "--repetitions",        "1",       "--warmup",
    "0"};

}  // namespace

TEST_CASE("progress line: the pair, the time so far and an estimate of what is left") {
  std::ostringstream err;
  progress_line::clock::time_point now{};
  {
    progress_line line(err, [&] { return now; });
    line.starting(0, 4, "counting", "quick", sweep_point{2, std::nullopt});
    CHECK(err.str() ==
          "\r\x1b[K[1/4] counting on quick (2 workers) · 0:00 elapsed · estimating what is left");
    now += 10s;
    record ok;
    ok.workload = "counting";
    ok.model = "quick";
    line.finished(1, 4, ok);  // nothing to say: the next start redraws
    line.starting(1, 4, "waiting", "quick", sweep_point{1, std::nullopt});
    CHECK(contains(err.str(),
                   "\r\x1b[K[2/4] waiting on quick (1 worker) · 0:10 elapsed · about 0:30 left"));
    record failed = ok;
    failed.status = record_status::error;
    failed.reason = "hung";
    line.finished(2, 4, failed);  // an error keeps a line of its own
    CHECK(contains(err.str(), "\r\x1b[K[2/4] counting on quick: error: hung\n"));
    now += 50s;
    line.starting(3, 4, "floor", std::string(baseline_model), sweep_point{2, std::nullopt});
    CHECK(contains(err.str(), "[4/4] floor (baseline) · 1:00 elapsed · about 0:20 left"));
  }
  // The destructor erased the line.
  CHECK(err.str().ends_with("left\r\x1b[K"));
}

TEST_CASE("progress line: durations") {
  CHECK(progress_line::format_duration(0s) == "0:00");
  CHECK(progress_line::format_duration(61s) == "1:01");
  CHECK(progress_line::format_duration(3723s) == "1:02:03");
}

TEST_CASE("threadlab program: the progress line goes to a terminal, never to stdout") {
  const on_terminal r = run_on_terminal(small_run);
  CHECK(r.status == 0);
  CHECK(contains(r.terminal, "[1/2] yield on green"));
  CHECK(contains(r.terminal, "[2/2] context_switch (baseline)"));
  CHECK(r.terminal.ends_with("\r\x1b[K"));  // erased before the program ended
  // stdout is exactly the report.
  CHECK(r.out.rfind("median of 1 repetition", 0) == 0);
  CHECK(r.out.find('\r') == std::string::npos);
  CHECK_FALSE(contains(r.out, "[1/2]"));
}

TEST_CASE("threadlab program: no progress line with --quiet, or when stderr is not a terminal") {
  std::vector<std::string> quiet = small_run;
  quiet.push_back("--quiet");
  const on_terminal q = run_on_terminal(quiet);
  CHECK(q.status == 0);
  CHECK(q.terminal.empty());
  CHECK(q.out.rfind("median of 1 repetition", 0) == 0);

  const threadlab::testing::process_result piped = threadlab::testing::run_threadlab(small_run);
  CHECK(piped.status == 0);
  CHECK(piped.err.empty());
}
