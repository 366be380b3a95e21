// bench/run/environment.cpp — gathers the environment record from /proc, /sys, uname, predefined
// macros, the build's compile definitions and git.
#include "bench/run/environment.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <boost/version.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#ifndef THREADLAB_CXX_FLAGS
#define THREADLAB_CXX_FLAGS "unknown"
#endif
#ifndef THREADLAB_BUILD_TYPE
#define THREADLAB_BUILD_TYPE "unknown"
#endif
#ifndef THREADLAB_SOURCE_DIR
#define THREADLAB_SOURCE_DIR "."
#endif

namespace threadlab {

namespace {

// cpu_model_name() — the first "model name" line of /proc/cpuinfo, or "unknown".
std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string("unknown") : line.substr(start);
  }
  return "unknown";
}

// compiler_name() — the compiler that built this file, from its predefined macros.
std::string compiler_name() {
#if defined(__clang__)
  std::string version = __clang_version__;  // e.g. "14.0.6 ", with a trailing space
  while (!version.empty() && version.back() == ' ') version.pop_back();
  return "Clang " + version;
#elif defined(__GNUC__)
  return "GCC " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
         std::to_string(__GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

// command_output(cmd, ok) — the first line of cmd's stdout; ok is false when it could not run
// or exited non-zero. Spawns a shell: only for the single-threaded harness.
std::string command_output(const std::string& cmd, bool& ok, bool whole = false) {
  ok = false;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  std::array<char, 256> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  const int status = ::pclose(pipe);
  ok = status == 0;
  if (!whole) {
    const auto nl = out.find('\n');
    if (nl != std::string::npos) out.resize(nl);
  }
  return out;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}

}  // namespace

std::string read_cpu_governor(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return unavailable;
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  if (first == std::string::npos) return unavailable;
  return line.substr(first, last - first + 1);
}

std::string boost_version_text(unsigned version) {
  return std::to_string(version / 100000) + "." + std::to_string(version / 100 % 1000) + "." +
         std::to_string(version % 100);
}

environment collect_environment(unsigned cores_used) {
  environment env;
  env.cpu_model = cpu_model_name();
  env.cpu_governor = read_cpu_governor();
  env.logical_cores = std::thread::hardware_concurrency();
  env.cores_used = cores_used;
  utsname u{};
  if (::uname(&u) == 0) {
    env.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
    env.hostname = u.nodename;
  } else {
    env.kernel = env.hostname = "unknown";
  }
  env.compiler = compiler_name();
  env.cxx_flags = THREADLAB_CXX_FLAGS;
  env.build_type = THREADLAB_BUILD_TYPE;
  env.boost_version = boost_version_text(BOOST_VERSION);
  const std::string git = std::string("git -C '") + THREADLAB_SOURCE_DIR + "' ";
  bool ok = false;
  env.git_revision = command_output(git + "rev-parse HEAD 2>/dev/null", ok);
  if (!ok || env.git_revision.empty()) {
    env.git_revision = "unknown";
  } else {
    const std::string changes =
        command_output(git + "status --porcelain --untracked-files=no 2>/dev/null", ok, true);
    if (ok) env.git_dirty = !changes.empty();
  }
  env.date_utc = utc_now_iso8601();
  return env;
}

}  // namespace threadlab
