// tests/bench/faults_test.cpp — faults that must end in a diagnosis, with nothing lost: a hung
// pair's dump of what its threads were doing, a crashed child's signal and last words, a child
// killed from outside (kill -9), an interrupted run (SIGINT, SIGTERM) that keeps what it
// measured, and a report that cannot be written (`ulimit -f`).
#include <doctest/doctest.h>

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/report/table.hpp"
#include "bench/run/interruption.hpp"
#include "bench/run/runner.hpp"
#include "fake_registry.hpp"
#include "program_support.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;

namespace {

// describing_model — a fake model that can list its threads, as hybrid does.
struct describing_model : fakes::quick_model {
  static constexpr std::string_view name = "describing";
  static std::string describe_threads() { return "describing: 2 threads parked in a fake wait\n"; }
};

// stuck_describing_model — a model whose listing never returns: the dump must not wait forever.
struct stuck_describing_model : fakes::quick_model {
  static constexpr std::string_view name = "stuck";
  static std::string describe_threads() {
    std::this_thread::sleep_for(std::chrono::seconds(30));
    return "never";
  }
};

// last_words — writes a line on stderr, as a model's stack-overflow handler does, then aborts.
struct last_words : fakes::sizes<10> {
  static constexpr std::string_view name = "last_words";
  static constexpr std::string_view description = "prints a line and aborts";
  static constexpr capability requires_caps = capability::none;
  template <class M>
  static sample run(const run_options&, std::uint64_t) {
    std::fputs("fake: stack overflow in thread #7 (worker)\n", stderr);
    fakes::abort_without_core();
  }
};

// interrupting — sends SIGINT to the harness, as a user's Ctrl-C would, then waits.
struct interrupting : fakes::sizes<10> {
  static constexpr std::string_view name = "interrupting";
  static constexpr std::string_view description = "interrupts the harness";
  static constexpr capability requires_caps = capability::none;
  template <class M>
  static sample run(const run_options&, std::uint64_t) {
    ::kill(::getppid(), SIGINT);
    std::this_thread::sleep_for(std::chrono::seconds(30));
    return {};
  }
};

const registry& fault_registry() {
  static const registry reg =
      make_registry<type_list<fakes::hang, last_words>,
                    type_list<fakes::quick_model, describing_model, stuck_describing_model>,
                    type_list<>>();
  return reg;
}

runner_options quick_options(double timeout_s) {
  runner_options opts;
  opts.params.warmup = 0;
  opts.params.repetitions = 1;
  opts.params.timeout_s = timeout_s;
  opts.params.workers = 1;
  return opts;
}

// runs_a_pair(pid) — true when process pid has the hang responder's thread: it is a pair's
// child (bench/run/hang_dump.hpp), not another program the harness starts (git, for the
// environment record, forked under the harness's name before it execs).
bool runs_a_pair(pid_t pid) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return false;
  bool found = false;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream comm(tasks + "/" + e->d_name + "/comm");
    std::string name;
    std::getline(comm, name);
    found = found || name == "threadlab-dump";
  }
  ::closedir(dir);
  return found;
}

// children_of(pid) — the pair children of the harness process pid (runs_a_pair), from /proc.
std::set<pid_t> children_of(pid_t pid) {
  std::set<pid_t> out;
  DIR* dir = ::opendir("/proc");
  REQUIRE(dir != nullptr);
  while (const dirent* e = ::readdir(dir)) {
    const pid_t candidate = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
    if (candidate <= 0) continue;
    std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && ppid == pid &&
        state != 'Z' && runs_a_pair(candidate)) {
      out.insert(candidate);
    }
  }
  ::closedir(dir);
  return out;
}

// spawned_program — the real program started in the background, its output in files.
struct spawned_program {
  pid_t pid = 0;
  std::string out_path = "/tmp/threadlab-faults-out-XXXXXX";
  std::string err_path = "/tmp/threadlab-faults-err-XXXXXX";

  explicit spawned_program(const std::vector<std::string>& args) {
    const int out_fd = ::mkstemp(out_path.data());
    const int err_fd = ::mkstemp(err_path.data());
    REQUIRE(out_fd >= 0);
    REQUIRE(err_fd >= 0);
    REQUIRE(threadlab::testing::spawn_threadlab(args, out_fd, err_fd, pid) == 0);
    ::close(out_fd);
    ::close(err_fd);
  }
  ~spawned_program() {
    ::unlink(out_path.c_str());
    ::unlink(err_path.c_str());
  }

  // wait_for_child(not_in) — a child of the program's that is not in not_in (a pair's child),
  // waiting up to 60 s for it to appear.
  pid_t wait_for_child(const std::set<pid_t>& not_in) const {
    for (int i = 0; i < 6000; ++i) {
      for (pid_t c : children_of(pid)) {
        if (!not_in.contains(c)) return c;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the program started no new child within 60 s");
    return 0;
  }

  // finish() — the exit status (128 + signal when killed), stdout and stderr.
  threadlab::testing::process_result finish() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    threadlab::testing::process_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = threadlab::testing::slurp(out_path.c_str());
    r.err = threadlab::testing::slurp(err_path.c_str());
    return r;
  }
};

}  // namespace

TEST_CASE("a hung pair's record says what each kernel thread was doing, the responder left out") {
  const registry& reg = fault_registry();
  const record r = run_pair(reg, *reg.find_pair("hang", "quick"), quick_options(0.3));
  CHECK(r.status == record_status::error);
  CHECK(contains(r.reason, "hung: workload hang on model quick"));
  // The fake workload sleeps on the child's main thread: one task, sleeping.
  CHECK(contains(r.dump, "kernel threads (1):"));
  CHECK(contains(r.dump, "S (sleeping)"));
  CHECK_FALSE(contains(r.dump, "threadlab-dump"));
  CHECK(contains(render_table(results{{}, {}, {r}, {}, 0}),
                 "What the hung pairs' threads were doing"));
}

TEST_CASE("a model that lists its threads has its listing first in the hang dump") {
  const registry& reg = fault_registry();
  const record r = run_pair(reg, *reg.find_pair("hang", "describing"), quick_options(0.3));
  CHECK(r.status == record_status::error);
  CHECK(r.dump.rfind("describing: 2 threads parked in a fake wait\nkernel threads (1):", 0) == 0);
}

TEST_CASE("a child that cannot answer the dump request is killed after the grace period") {
  const registry& reg = fault_registry();
  const record r = run_pair(reg, *reg.find_pair("hang", "stuck"), quick_options(0.3));
  CHECK(r.status == record_status::error);
  CHECK(contains(r.reason, "hung: workload hang on model stuck"));
  CHECK(contains(r.dump, "no dump: the child did not answer SIGUSR1 within"));
}

TEST_CASE("a crashed child is reported with its signal and the last line it wrote on stderr") {
  const registry& reg = fault_registry();
  const record r = run_pair(reg, *reg.find_pair("last_words", "quick"), quick_options(10));
  CHECK(r.status == record_status::error);
  CHECK(contains(r.reason, "killed by signal SIGABRT"));
  CHECK(contains(r.reason, "its last words: \"fake: stack overflow in thread #7 (worker)\""));
}

TEST_CASE("an interrupt marks the pair in progress interrupted and runs nothing after it") {
  const registry reg = make_registry<type_list<fakes::counting, interrupting, fakes::counting>,
                                     type_list<fakes::quick_model>, type_list<>>();
  runner_options opts = quick_options(10);
  opts.params.repetitions = 2;
  std::vector<record> records;
  int sig = 0;
  {
    const interrupt_scope interrupts;
    records = run_selection(reg, select(reg), opts);
    sig = interrupt_signal();
  }
  CHECK(sig == SIGINT);
  CHECK(interrupt_signal() == 0);  // the scope is gone
  REQUIRE(records.size() == 2);
  CHECK(records[0].status == record_status::ok);
  CHECK(records[1].workload == "interrupting");
  CHECK(records[1].status == record_status::interrupted);
  CHECK(records[1].reason == "interrupted by SIGINT after 0 of 2 repetitions");
}

TEST_CASE("kill -9 of one pair's child: that pair reports SIGKILL, the other pairs are kept") {
  spawned_program program({"run", "--workload", "spawn_join", "--model", "kernel,hybrid",
                           "--repetitions", "3", "--quiet", "--format", "json"});
  const pid_t first = program.wait_for_child({});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(first, SIGKILL);
  const auto r = program.finish();
  CHECK(r.status == 1);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.at("records").size() == 2);
  const auto& killed = j.at("records").at(0);
  CHECK(killed.at("status") == "error");
  CHECK(contains(killed.at("reason").get<std::string>(), "killed by signal SIGKILL"));
  CHECK(j.at("records").at(1).at("status") == "ok");
}

TEST_CASE(
    "SIGTERM during a run: the finished pairs and the interrupted one are written, exit 143") {
  char dir_template[] = "/tmp/threadlab-interrupt-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  const std::string output = dir + "/results.json";
  // Three pairs of kernel threads (a size sweep): each (2,000 kernel threads, twice) lasts long
  // enough to be seen running between two looks for a child, on any machine; a pair of fibers
  // may come and go unseen.
  spawned_program program({"run", "--workload", "spawn_join", "--model", "kernel", "--repetitions",
                           "1", "--warmup", "0", "--size", "2000,2001,2002", "--quiet", "--format",
                           "json", "--output", output});
  const pid_t first = program.wait_for_child({});
  program.wait_for_child({first});  // the first pair has finished
  ::kill(program.pid, SIGTERM);
  const auto r = program.finish();
  CHECK(r.status == 143);
  CHECK(contains(r.err, "INTERRUPTED by SIGTERM"));
  const auto j = nlohmann::json::parse(threadlab::testing::slurp(output.c_str()));
  CHECK(j.at("interrupted").at("signal") == "SIGTERM");
  const auto& records = j.at("records");
  REQUIRE(records.size() >= 2);
  CHECK(records.at(0).at("status") == "ok");
  CHECK(records.back().at("status") == "interrupted");
  CHECK(j.at("interrupted").at("not_run").get<std::size_t>() == 3 - records.size());
  // Only the results file: the atomic write left no temporary file behind.
  std::size_t entries = 0;
  DIR* d = ::opendir(dir.c_str());
  while (const dirent* e = ::readdir(d)) entries += e->d_name[0] != '.';
  ::closedir(d);
  CHECK(entries == 1);
  ::unlink(output.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a report over ulimit -f: one line, no partial file, and the report on stdout") {
  char dir_template[] = "/tmp/threadlab-fsize-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  // 1 block of 512 bytes: the JSON report of one pair is larger. stdout and stderr go to a pipe
  // (popen), which the limit does not cover.
  const std::string command = "bash -c 'ulimit -f 1; exec " + std::string(THREADLAB_EXE) +
                              " run --workload spawn_join --model green --repetitions 1 "
                              "--warmup 0 --size 100 --quiet --format json --output " +
                              dir + "/r.json 2>&1'";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char chunk[4096];
  while (const std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  const int status = ::pclose(pipe);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(contains(output, "threadlab: cannot write"));
  CHECK(contains(output, "File too large"));
  CHECK(contains(output, "the report follows on stdout instead"));
  CHECK(contains(output, "\"schema\""));
  std::size_t entries = 0;
  DIR* d = ::opendir(dir.c_str());
  while (const dirent* e = ::readdir(d)) entries += e->d_name[0] != '.';
  ::closedir(d);
  CHECK(entries == 0);  // no r.json, no temporary file
  ::rmdir(dir.c_str());
}
