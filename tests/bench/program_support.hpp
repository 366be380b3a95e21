// tests/bench/program_support.hpp — running the real `threadlab` program from a test, as it is
// or under resource limits (`ulimit -v`, `-u`, `-n`): its exit status and what it printed.
// THREADLAB_EXE is the program's path (tests/bench/CMakeLists.txt).
#pragma once

#include <doctest/doctest.h>
#include <grp.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "text_support.hpp"

extern char** environ;

namespace threadlab::testing {

// process_result — how the program ended and what it wrote.
struct process_result {
  int status = -1;  // the exit status, or 128 + the signal that killed it
  std::string out;
  std::string err;
};

// program_argv(args) — the argv of the real program with args: pointers into args, then null.
inline std::vector<char*> program_argv(const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(THREADLAB_EXE)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// spawn_threadlab(args, out_fd, err_fd, pid) — starts the real program with args, its stdout
// and stderr on out_fd and err_fd; posix_spawn's result (0: started, pid set).
inline int spawn_threadlab(const std::vector<std::string>& args, int out_fd, int err_fd,
                           pid_t& pid) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<char*> argv = program_argv(args);
  const int spawned = ::posix_spawn(&pid, THREADLAB_EXE, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned;
}

// resource_limit — one limit the program runs under: setrlimit(resource) with soft and hard
// both `value` (RLIMIT_AS in bytes, as `ulimit -v` in KiB times 1024).
struct resource_limit {
  int resource = 0;
  rlim_t value = 0;
};

// as_self — run_threadlab_limited's default user: the test's own.
inline constexpr uid_t as_self = static_cast<uid_t>(-1);

// spawn_threadlab_limited(args, limits, user, out_fd, err_fd, pid) — spawn_threadlab, with each
// of limits set in the child between fork and exec (posix_spawn cannot set them), and run as
// user (uid and gid; needs root) unless as_self; 0 when started. A child that cannot take the
// limits or the user exits with 126, one that cannot run the program with 127.
inline int spawn_threadlab_limited(const std::vector<std::string>& args,
                                   const std::vector<resource_limit>& limits, uid_t user,
                                   int out_fd, int err_fd, pid_t& pid) {
  if (limits.empty() && user == as_self) return spawn_threadlab(args, out_fd, err_fd, pid);
  std::vector<char*> argv = program_argv(args);
  pid = ::fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    for (const resource_limit& l : limits) {
      const rlimit r{l.value, l.value};
      if (::setrlimit(l.resource, &r) != 0) ::_exit(126);
    }
    if (user != as_self &&
        (::setgroups(0, nullptr) != 0 || ::setgid(user) != 0 || ::setuid(user) != 0)) {
      ::_exit(126);
    }
    ::execv(THREADLAB_EXE, argv.data());
    ::_exit(127);
  }
  return 0;
}

// run_threadlab_limited(args, limits, user) — runs the real program with args under limits (as
// user), capturing stdout, stderr and the exit status.
inline process_result run_threadlab_limited(const std::vector<std::string>& args,
                                            const std::vector<resource_limit>& limits,
                                            uid_t user = as_self) {
  char out_path[] = "/tmp/threadlab-cli-out-XXXXXX";
  char err_path[] = "/tmp/threadlab-cli-err-XXXXXX";
  const int out_fd = ::mkstemp(out_path);
  const int err_fd = ::mkstemp(err_path);
  REQUIRE(out_fd >= 0);
  REQUIRE(err_fd >= 0);
  pid_t pid = 0;
  const int spawned = spawn_threadlab_limited(args, limits, user, out_fd, err_fd, pid);
  process_result r;
  if (spawned == 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  ::close(out_fd);
  ::close(err_fd);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  ::unlink(out_path);
  ::unlink(err_path);
  REQUIRE(spawned == 0);
  return r;
}

// run_threadlab(args) — runs the real program with args, capturing stdout, stderr and the exit
// status.
inline process_result run_threadlab(const std::vector<std::string>& args) {
  return run_threadlab_limited(args, {});
}

}  // namespace threadlab::testing
