// bench/run/environment.hpp — where a result was measured. Every result file records it, because a
// figure without its machine, compiler and revision cannot be compared with another.
#pragma once

#include <optional>
#include <string>

namespace threadlab {

// environment — the machine and build a run happened on. Fields that cannot be found are
// "unknown" (cpu_governor: "unavailable"; git_dirty: std::nullopt), never empty.
struct environment {
  std::string cpu_model;  // /proc/cpuinfo "model name"
  // cpu_governor — cpufreq's scaling governor of cpu0 ("performance", "powersave", ...), or
  // "unavailable" where the kernel exposes none (most VMs and containers). A "powersave" or
  // "ondemand" governor lets the clock drift between repetitions: read unstable flags with it.
  std::string cpu_governor;
  unsigned logical_cores = 0;     // std::thread::hardware_concurrency()
  unsigned cores_used = 0;        // workers given to pool and M:N models
  std::string kernel;             // uname: sysname release machine
  std::string compiler;           // "GCC 12.2.0", from predefined macros
  std::string cxx_flags;          // CMAKE_CXX_FLAGS + the build type's flags
  std::string build_type;         // CMAKE_BUILD_TYPE
  std::string boost_version;      // BOOST_VERSION spelled out, e.g. "1.74.0"
  std::string git_revision;       // `git rev-parse HEAD` of the source tree, or "unknown"
  std::optional<bool> git_dirty;  // tracked files changed since that revision; nullopt if unknown
  std::string date_utc;           // ISO 8601, e.g. "2026-11-25T11:48:15Z"
  std::string hostname;
};

// unavailable — the cpu_governor of a machine that exposes none.
inline constexpr const char* unavailable = "unavailable";

// default_governor_path — where Linux's cpufreq publishes cpu0's governor.
inline constexpr const char* default_governor_path =
    "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor";

// read_cpu_governor(path) — the first line of path, trimmed, or "unavailable" when the file
// cannot be read or is empty.
std::string read_cpu_governor(const std::string& path = default_governor_path);

// boost_version_text(version) — BOOST_VERSION-style 107400 as "1.74.0".
std::string boost_version_text(unsigned version);

// collect_environment(cores_used) — the environment of this process now. Runs `git` as a
// child process; call it from the single-threaded harness, not from inside a model.
environment collect_environment(unsigned cores_used);

}  // namespace threadlab
