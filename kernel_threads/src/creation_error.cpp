// kernel_threads/src/creation_error.cpp — saying which limit stopped a thread from being created.
//
// pthread_create reports only an errno. EAGAIN in particular has five different causes, and a
// user who sees "Resource temporarily unavailable" cannot tell them apart. So on failure (never
// on the fast path) we read the limits that can produce the errno and name the one that looks
// hit, followed by all their current values. The diagnosis is read after the failure, so it is
// a best guess: another process may have changed the picture in between.
//
//   errno   cause                                          where the limit lives
//   EINVAL  stack size below PTHREAD_STACK_MIN, or too     thread_options::stack_size
//           small for the static TLS + guard page
//   EAGAIN  threads of this user >= RLIMIT_NPROC            ulimit -u (not enforced for root)
//           threads on the system >= threads-max           /proc/sys/kernel/threads-max
//           no free PID                                     /proc/sys/kernel/pid_max
//           the cgroup's pids controller is full           <cgroup>/pids.max
//           the stack mmap failed (glibc turns ENOMEM      RLIMIT_AS (ulimit -v),
//           into EAGAIN)                                    vm.max_map_count, overcommit
//   ENOMEM  the kernel could not allocate the new task     memory pressure
//   EPERM   scheduling attributes not permitted            (this module sets none)
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "kernel_threads/thread.hpp"

namespace kernel_threads::detail {

namespace {

// read_number(path) — the first unsigned number in a /proc or /sys file; nullopt if unreadable
// or "max".
std::optional<unsigned long long> read_number(const std::string& path) {
  std::ifstream in(path);
  unsigned long long value = 0;
  if (in >> value) return value;
  return std::nullopt;
}

// threads_on_system() — kernel tasks alive now: the denominator of /proc/loadavg's 4th field.
std::optional<unsigned long long> threads_on_system() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c, running_total;
  if (!(in >> a >> b >> c >> running_total)) return std::nullopt;
  const auto slash = running_total.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    return std::stoull(running_total.substr(slash + 1));
  } catch (...) {
    return std::nullopt;
  }
}

// cgroup_dir() — this process's cgroup v2 directory under /sys/fs/cgroup ("0::/path").
std::string cgroup_dir() {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) {
      std::string dir = "/sys/fs/cgroup" + line.substr(3);
      if (dir.back() == '/') dir.pop_back();  // the root cgroup is "0::/"
      return dir;
    }
  }
  return "/sys/fs/cgroup";
}

std::string show(std::optional<unsigned long long> v) {
  return v ? std::to_string(*v) : std::string("unknown/unlimited");
}

std::string show_rlimit(int resource) {
  rlimit lim{};
  if (getrlimit(resource, &lim) != 0) return "unknown";
  if (lim.rlim_cur == RLIM_INFINITY) return "unlimited";
  return std::to_string(lim.rlim_cur);
}

// address_space_used() — this process's virtual size in bytes (/proc/self/statm, 1st field).
std::optional<unsigned long long> address_space_used() {
  const auto pages = read_number("/proc/self/statm");
  if (!pages) return std::nullopt;
  return *pages * static_cast<unsigned long long>(sysconf(_SC_PAGESIZE));
}

// stack_exceeds_rlimit_as(stack) — true when mapping `stack` more bytes would pass RLIMIT_AS.
bool stack_exceeds_rlimit_as(std::size_t stack) {
  rlimit lim{};
  if (getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return false;
  const auto used = address_space_used();
  return used && *used + stack > lim.rlim_cur;
}

bool rlimit_finite(int resource) {
  rlimit lim{};
  return getrlimit(resource, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY;
}

std::string describe_eagain(const thread_options& options) {
  const auto threads = threads_on_system();
  const auto threads_max = read_number("/proc/sys/kernel/threads-max");
  const auto pid_max = read_number("/proc/sys/kernel/pid_max");
  const std::string cgroup = cgroup_dir();
  const auto pids_max = read_number(cgroup + "/pids.max");
  const auto pids_current = read_number(cgroup + "/pids.current");
  const std::size_t stack = options.stack_size != 0 ? options.stack_size : default_stack_size();

  std::string suspect;
  if (threads && threads_max && *threads + 1 >= *threads_max) {
    suspect = "the system-wide thread limit /proc/sys/kernel/threads-max";
  } else if (pids_max && pids_current && *pids_current + 1 >= *pids_max) {
    suspect = "the cgroup pids limit " + cgroup + "/pids.max";
  } else if (threads && pid_max && *threads + 1 >= *pid_max) {
    suspect = "the PID space /proc/sys/kernel/pid_max";
  } else if (stack_exceeds_rlimit_as(stack)) {
    suspect = "the address-space limit RLIMIT_AS (ulimit -v): mapping the " +
              std::to_string(stack) + "-byte stack would exceed it";
  } else if (geteuid() != 0 && rlimit_finite(RLIMIT_NPROC)) {
    suspect = "the per-user limit RLIMIT_NPROC (ulimit -u), which counts every thread of the user";
  } else {
    suspect = "the address space: mmap of the " + std::to_string(stack) +
              "-byte stack failed (RLIMIT_AS, vm.max_map_count or overcommit)";
  }

  std::ostringstream out;
  out << "likely " << suspect << ". Limits now: RLIMIT_NPROC = " << show_rlimit(RLIMIT_NPROC)
      << (geteuid() == 0 ? " (not enforced for root)" : "")
      << "; /proc/sys/kernel/threads-max = " << show(threads_max)
      << " (threads on the system: " << show(threads) << ")"
      << "; /proc/sys/kernel/pid_max = " << show(pid_max) << "; " << cgroup
      << "/pids.max = " << show(pids_max) << " (current: " << show(pids_current) << ")"
      << "; RLIMIT_AS = " << show_rlimit(RLIMIT_AS) << " (used: " << show(address_space_used())
      << ")"
      << "; vm.max_map_count = " << show(read_number("/proc/sys/vm/max_map_count"))
      << "; stack requested = " << stack << " bytes";
  return out.str();
}

}  // namespace

// describe_creation_failure(error, options) — the message of the creation_error thrown for
// errno `error`; std::system_error appends strerror(error).
std::string describe_creation_failure(int error, const thread_options& options) {
  std::string what = "kernel_threads::thread: cannot create kernel thread";
  if (!options.name.empty()) what += " '" + truncate_name(options.name) + "'";
  switch (error) {
    case EINVAL:
      what += " (EINVAL): stack size " + std::to_string(options.stack_size) +
              " bytes is invalid; it must be 0 (the default) or at least PTHREAD_STACK_MIN = " +
              std::to_string(sysconf(_SC_THREAD_STACK_MIN)) +
              " bytes, and large enough for the static TLS and the guard page";
      break;
    case EAGAIN:
      what += " (EAGAIN, a resource limit was hit): " + describe_eagain(options);
      break;
    case ENOMEM:
      what += " (ENOMEM): the kernel could not allocate the new task (memory exhausted)";
      break;
    case EPERM:
      what += " (EPERM): not permitted to set the requested scheduling attributes";
      break;
    default:
      what += " (errno " + std::to_string(error) + ")";
      break;
  }
  return what;
}

}  // namespace kernel_threads::detail
