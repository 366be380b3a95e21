// bench/environment.hpp — where a result was measured. Every result file records it, because a
// figure without its machine, compiler and revision cannot be compared with another.
#pragma once

#include <optional>
#include <string>

namespace threadlab {

// environment — the machine and build a run happened on. Fields that cannot be found are
// "unknown" (git_dirty: std::nullopt), never empty.
struct environment {
  std::string cpu_model;          // /proc/cpuinfo "model name"
  unsigned logical_cores = 0;     // std::thread::hardware_concurrency()
  unsigned cores_used = 0;        // workers given to pool and M:N models
  std::string kernel;             // uname: sysname release machine
  std::string compiler;           // "GCC 12.2.0", from predefined macros
  std::string cxx_flags;          // CMAKE_CXX_FLAGS + the build type's flags
  std::string build_type;         // CMAKE_BUILD_TYPE
  std::string boost_version;      // BOOST_LIB_VERSION, e.g. "1_74"
  std::string git_revision;       // `git rev-parse HEAD` of the source tree, or "unknown"
  std::optional<bool> git_dirty;  // uncommitted changes in the source tree; nullopt if unknown
  std::string date_utc;           // ISO 8601, e.g. "2026-11-25T11:48:15Z"
  std::string hostname;
};

// collect_environment(cores_used) — the environment of this process now. Runs `git` as a
// child process; call it from the single-threaded harness, not from inside a model.
environment collect_environment(unsigned cores_used);

}  // namespace threadlab
