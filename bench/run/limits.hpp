// bench/run/limits.hpp — the operating system's limits on threads, address space, memory
// mappings, memory and file descriptors, and how much of each is in use now: what the capacity
// estimate (run/capacity.hpp) checks a run against before it starts, and what the exhaustion
// diagnosis (run/exhaustion.hpp) names when a run hits one.
//
// Read from getrlimit, /proc/sys, /proc/meminfo and /proc/self. Nothing here throws: a figure
// that cannot be read is `unlimited` (a limit) or 0 (a usage), so that a machine without /proc
// still runs, merely unchecked. The readers use no heap beyond what opendir takes and need at
// most two free file descriptors, so that they still work when the process has just run out
// of memory or descriptors (the exhaustion diagnosis frees a reserve of both first).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace threadlab {

// unlimited — a limit that is not set (RLIM_INFINITY) or could not be read.
inline constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

// system_limits — the limits a run can hit; each `unlimited` when there is none.
struct system_limits {
  std::uint64_t address_space = unlimited;  // RLIMIT_AS (ulimit -v), soft, in bytes
  // RLIMIT_NPROC (ulimit -u), soft: tasks (processes and threads) of the real user. The kernel
  // does not enforce it for root (CAP_SYS_RESOURCE or CAP_SYS_ADMIN): then `unlimited`.
  std::uint64_t user_tasks = unlimited;
  std::uint64_t open_files = unlimited;        // RLIMIT_NOFILE (ulimit -n), soft
  std::uint64_t pid_max = unlimited;           // kernel.pid_max: pids, so tasks, in the system
  std::uint64_t threads_max = unlimited;       // kernel.threads-max: tasks in the system
  std::uint64_t map_count = unlimited;         // vm.max_map_count: mappings of one process
  std::uint64_t memory_available = unlimited;  // MemAvailable from /proc/meminfo, in bytes
};

// system_usage — what is in use now, against those limits.
struct system_usage {
  std::uint64_t mapped_bytes = 0;  // the process's address space (VmSize)
  std::uint64_t user_tasks = 0;    // tasks of the real user, system-wide
  std::uint64_t system_tasks = 0;  // tasks in the system (/proc/loadavg)
  std::uint64_t open_files = 0;    // the process's open descriptors (/proc/self/fd)
  std::uint64_t mappings = 0;      // the process's memory mappings (/proc/self/maps)
};

// limits_snapshot — the limits and their use at one moment.
struct limits_snapshot {
  system_limits limits;
  system_usage usage;
};

// limit_count(n) — "65,530", or "unlimited". limit_bytes(n) — "1 GiB", "1,017 MiB", "512 KiB"
// (whole units: the largest that divides n exactly, else the largest not above n), or
// "unlimited". How the diagnosis and the capacity estimate write a limit or a usage.
std::string limit_count(std::uint64_t n);
std::string limit_bytes(std::uint64_t n);

// read_system_limits() / read_system_usage() / read_limits_snapshot() — now, as above.
system_limits read_system_limits();
system_usage read_system_usage();
limits_snapshot read_limits_snapshot();

}  // namespace threadlab
