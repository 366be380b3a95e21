// bench/run/limits.cpp — reading the limits and their use (see limits.hpp): getrlimit, small
// /proc files read into a buffer on the stack, and directories counted with readdir.
#include "bench/run/limits.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "bench/report/units.hpp"

namespace threadlab {

namespace {

// read_small(path, buf, size) — the first size - 1 bytes of path, NUL-terminated; false when
// it cannot be opened or read.
bool read_small(const char* path, char* buf, std::size_t size) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t got = 0;
  while (got + 1 < size) {
    const ssize_t n = ::read(fd, buf + got, size - 1 - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  buf[got] = '\0';
  return got != 0;
}

// number_file(path) — the number path holds (a /proc/sys entry), or `unlimited`.
std::uint64_t number_file(const char* path) {
  char buf[64];
  if (!read_small(path, buf, sizeof buf)) return unlimited;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(buf, &end, 10);
  return end == buf ? unlimited : v;
}

// soft_limit(resource) — getrlimit's soft limit, or `unlimited`.
std::uint64_t soft_limit(int resource) {
  rlimit r{};
  if (::getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return unlimited;
  return r.rlim_cur;
}

// mem_available() — MemAvailable in bytes, or `unlimited`.
std::uint64_t mem_available() {
  char buf[8192];
  if (!read_small("/proc/meminfo", buf, sizeof buf)) return unlimited;
  const char* at = std::strstr(buf, "MemAvailable:");
  if (at == nullptr) return unlimited;
  return std::strtoull(at + std::strlen("MemAvailable:"), nullptr, 10) * 1024;
}

// is_number(name) — true for a /proc entry that is a pid.
bool is_number(const char* name) {
  if (*name == '\0') return false;
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') return false;
  }
  return true;
}

// count_entries(path) — entries of a directory, "." and ".." left out; 0 when unreadable.
std::uint64_t count_entries(const char* path) {
  DIR* dir = ::opendir(path);
  if (dir == nullptr) return 0;
  std::uint64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++n;
  }
  ::closedir(dir);
  return n;
}

// user_tasks(uid) — tasks of processes owned by uid: the sum of their /proc/PID/task entries.
std::uint64_t user_tasks(uid_t uid) {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return 0;
  std::uint64_t n = 0;
  char path[64];
  while (const dirent* e = ::readdir(proc)) {
    if (!is_number(e->d_name) || std::strlen(e->d_name) > 20) continue;
    std::strcpy(path, "/proc/");
    std::strcat(path, e->d_name);
    struct stat st {};
    if (::stat(path, &st) != 0 || st.st_uid != uid) continue;
    std::strcat(path, "/task");
    n += count_entries(path);
  }
  ::closedir(proc);
  return n;
}

// count_lines(path) — newlines in path, read a buffer at a time.
std::uint64_t count_lines(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[4096];
  std::uint64_t n = 0;
  for (ssize_t got; (got = ::read(fd, buf, sizeof buf)) > 0;) {
    for (ssize_t i = 0; i < got; ++i) n += buf[i] == '\n' ? 1 : 0;
  }
  ::close(fd);
  return n;
}

}  // namespace

std::string limit_count(std::uint64_t n) { return n == unlimited ? "unlimited" : grouped(n); }

std::string limit_bytes(std::uint64_t n) {
  constexpr std::uint64_t kib = 1024;
  constexpr std::uint64_t mib = kib * 1024;
  constexpr std::uint64_t gib = mib * 1024;
  if (n == unlimited) return "unlimited";
  if (n >= gib && n % gib == 0) return grouped(n / gib) + " GiB";
  if (n >= mib) return grouped(n / mib) + " MiB";
  if (n >= kib) return grouped(n / kib) + " KiB";
  return grouped(n) + " bytes";
}

system_limits read_system_limits() {
  system_limits l;
  l.address_space = soft_limit(RLIMIT_AS);
  // The kernel lets root's own user past RLIMIT_NPROC.
  l.user_tasks = ::getuid() == 0 ? unlimited : soft_limit(RLIMIT_NPROC);
  l.open_files = soft_limit(RLIMIT_NOFILE);
  l.pid_max = number_file("/proc/sys/kernel/pid_max");
  l.threads_max = number_file("/proc/sys/kernel/threads-max");
  l.map_count = number_file("/proc/sys/vm/max_map_count");
  l.memory_available = mem_available();
  return l;
}

system_usage read_system_usage() {
  system_usage u;
  char buf[256];
  if (read_small("/proc/self/statm", buf, sizeof buf)) {
    u.mapped_bytes = std::strtoull(buf, nullptr, 10) * static_cast<std::uint64_t>(::getpagesize());
  }
  // /proc/loadavg: "0.00 0.01 0.05 1/123 4567": runnable/total tasks, then the last pid.
  if (read_small("/proc/loadavg", buf, sizeof buf)) {
    if (const char* slash = std::strchr(buf, '/'))
      u.system_tasks = std::strtoull(slash + 1, nullptr, 10);
  }
  u.user_tasks = user_tasks(::getuid());
  // The directory counted is itself open while it is read: one descriptor fewer.
  const std::uint64_t fds = count_entries("/proc/self/fd");
  u.open_files = fds > 0 ? fds - 1 : 0;
  u.mappings = count_lines("/proc/self/maps");
  return u;
}

limits_snapshot read_limits_snapshot() { return {read_system_limits(), read_system_usage()}; }

}  // namespace threadlab
