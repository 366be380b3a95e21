// bench/workloads/net_support.cpp — where the network workloads find the programs they start
// (bench/workloads/net_support.hpp: tool_path, set_tools_dir).
#include "bench/workloads/net_support.hpp"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

namespace threadlab::workloads::net_support {

namespace {
// tools_dir — set_tools_dir's folder; empty: none given. Written by the program's single thread
// before any workload runs, read after (never concurrently).
std::string& tools_dir() {
  static std::string dir;
  return dir;
}

// found_in(dir, name) — dir/name when that file exists, else "".
std::string found_in(const std::filesystem::path& dir, const std::string& name) {
  std::error_code ec;
  if (dir.empty() || !std::filesystem::exists(dir / name, ec)) return {};
  return (dir / name).string();
}
}  // namespace

void set_tools_dir(std::string dir) { tools_dir() = std::move(dir); }

std::string tool_path(const std::string& name) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    if (std::string path = found_in(self.parent_path(), name); !path.empty()) return path;
  }
  if (std::string path = found_in(tools_dir(), name); !path.empty()) return path;
#ifdef THREADLAB_TOOLS_DIR
  // The build tree's folder, compiled in (bench/CMakeLists.txt).
  return (std::filesystem::path(THREADLAB_TOOLS_DIR) / name).string();
#else
  return name;
#endif
}

}  // namespace threadlab::workloads::net_support
