// bench/run/hang_dump.cpp — the child's SIGUSR1 responder and the /proc task listing. See
// hang_dump.hpp.
#include "bench/run/hang_dump.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

namespace threadlab {

namespace {

constexpr const char* responder_name = "threadlab-dump";

// read_first_line(path) — the first line of a small /proc file, or "" when unreadable.
std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string describe_state(char s) {
  switch (s) {
    case 'R':
      return "R (running)";
    case 'S':
      return "S (sleeping)";
    case 'D':
      return "D (uninterruptible wait)";
    case 'T':
      return "T (stopped)";
    case 't':
      return "t (traced)";
    case 'Z':
      return "Z (zombie)";
    default:
      return std::string(1, s);
  }
}

}  // namespace

std::string kernel_tasks_report() {
  std::vector<long> tids;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(dir)) {
      if (e->d_name[0] != '.') tids.push_back(std::strtol(e->d_name, nullptr, 10));
    }
    ::closedir(dir);
  }
  std::sort(tids.begin(), tids.end());
  // Ten thousand kernel threads parked on one condition variable are one line, not ten
  // thousand: tasks with the same name, state and wait are grouped, in order of first task.
  struct group {
    std::string text;  // "(kernel-main): S (sleeping) in futex_wait_queue"
    long first_tid = 0;
    std::size_t count = 0;
  };
  std::vector<group> groups;
  std::size_t listed = 0;
  for (long tid : tids) {
    const std::string base = fmt::format("/proc/self/task/{}/", tid);
    const std::string comm = read_first_line(base + "comm");
    if (comm == responder_name) continue;
    // stat: "tid (comm) S ..." — the state follows the last ')' (comm may hold spaces).
    const std::string stat = read_first_line(base + "stat");
    const auto close = stat.rfind(')');
    const char state =
        close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '?';
    const std::string wchan = read_first_line(base + "wchan");
    const std::string where = state == 'R'                    ? "on a CPU"
                              : wchan.empty() || wchan == "0" ? "(wchan not shown by this kernel)"
                                                              : "in " + wchan;
    std::string text = fmt::format("({}): {} {}", comm, describe_state(state), where);
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const group& candidate) { return candidate.text == text; });
    if (g == groups.end()) {
      groups.push_back(group{std::move(text), tid, 1});
    } else {
      ++g->count;
    }
    ++listed;
  }
  std::string out = fmt::format("kernel threads ({}):\n", listed);
  for (const group& g : groups) {
    if (g.count == 1) {
      out += fmt::format("  task {} {}\n", g.first_tid, g.text);
    } else {
      out += fmt::format("  {} tasks, first {}, {}\n", g.count, g.first_tid, g.text);
    }
  }
  return out;
}

void start_hang_responder(std::function<std::string()> describe_threads,
                          std::function<void(const std::string&)> send) {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &usr1, nullptr);
  std::thread([usr1, describe = std::move(describe_threads), send = std::move(send)] {
    ::pthread_setname_np(::pthread_self(), responder_name);
    int sig = 0;
    while (::sigwait(&usr1, &sig) != 0 || sig != SIGUSR1) {
    }
    std::string dump;
    if (describe) {
      try {
        dump = describe();
      } catch (const std::exception& e) {
        dump = fmt::format("the model could not list its threads: {}\n", e.what());
      }
      if (!dump.empty() && dump.back() != '\n') dump += '\n';
    }
    dump += kernel_tasks_report();
    send(dump);
  }).detach();
}

}  // namespace threadlab
