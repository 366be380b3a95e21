// bench/run/exhaustion.cpp — which limit a failure hit, in one line (see exhaustion.hpp), and
// the reserve that lets a process out of memory or descriptors still say so.
#include "bench/run/exhaustion.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>

#include <fmt/format.h>

#include "bench/report/units.hpp"

namespace threadlab {

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

// Margins: a limit counts as hit when the usage read is within this much of it. The failing
// request itself (a stack of 8 MiB, a task) is not in the usage, and other threads may have
// ended between the failure and the reading.
constexpr std::uint64_t task_margin = 2;          // the user's tasks
constexpr std::uint64_t system_task_margin = 16;  // every user's tasks
constexpr std::uint64_t mapping_margin = 16;
constexpr std::uint64_t min_address_margin = 64 * mib;  // or a sixteenth of RLIMIT_AS
constexpr std::uint64_t low_memory = 64 * mib;          // MemAvailable below it is exhausted

// near(used, max, margin) — used is within margin of a set limit max.
bool near(std::uint64_t used, std::uint64_t max, std::uint64_t margin) {
  return max != unlimited && used + margin >= max;
}

// ending(action, detail) — " when <action> failed", then ": <detail>" when there is one.
std::string ending(std::string_view action, std::string_view detail) {
  std::string out;
  if (!action.empty()) out = fmt::format(" when {} failed", action);
  if (!detail.empty()) out += fmt::format(": {}", detail);
  return out;
}

// limit_reached(kind, at) — "<what>: <limit> is <value> and <usage>" for the first limit at
// shows reached, or "" when none is.
std::string limit_reached(exhaustion_kind kind, const limits_snapshot& at) {
  const system_limits& l = at.limits;
  const system_usage& u = at.usage;
  if (kind == exhaustion_kind::descriptors) {
    return fmt::format(
        "out of file descriptors: RLIMIT_NOFILE (ulimit -n) is {} and the process had {} open",
        limit_count(l.open_files), grouped(u.open_files));
  }
  if (kind == exhaustion_kind::system_descriptors) {
    return "out of file descriptors: the system's file table (fs.file-max) is full";
  }
  if (kind == exhaustion_kind::tasks && near(u.user_tasks, l.user_tasks, task_margin)) {
    return fmt::format("out of threads: RLIMIT_NPROC (ulimit -u) is {} and this user had {} tasks",
                       grouped(l.user_tasks), grouped(u.user_tasks));
  }
  if (kind == exhaustion_kind::tasks && near(u.system_tasks, l.threads_max, system_task_margin)) {
    return fmt::format("out of threads: kernel.threads-max is {} and the system had {} tasks",
                       grouped(l.threads_max), grouped(u.system_tasks));
  }
  if (kind == exhaustion_kind::tasks && near(u.system_tasks, l.pid_max, system_task_margin)) {
    return fmt::format("out of threads: kernel.pid_max is {} and the system had {} tasks",
                       grouped(l.pid_max), grouped(u.system_tasks));
  }
  // A thread's stack is a mapping: pthread_create reports a failed mmap as EAGAIN.
  if (near(u.mappings, l.map_count, mapping_margin)) {
    return fmt::format(
        "out of memory mappings: vm.max_map_count is {} and the process had {} mappings",
        grouped(l.map_count), grouped(u.mappings));
  }
  if (near(u.mapped_bytes, l.address_space, std::max(min_address_margin, l.address_space / 16))) {
    return fmt::format(
        "out of address space: RLIMIT_AS (ulimit -v) is {} and the process had mapped {}",
        limit_bytes(l.address_space), limit_bytes(u.mapped_bytes));
  }
  if (l.memory_available != unlimited && l.memory_available < low_memory) {
    return fmt::format("out of memory: MemAvailable was {}", limit_bytes(l.memory_available));
  }
  return {};
}

// figures(at) — every figure read, for a failure that no limit explains.
std::string figures(const limits_snapshot& at) {
  const system_limits& l = at.limits;
  const system_usage& u = at.usage;
  return fmt::format(
      "RLIMIT_NPROC {} ({} tasks of this user), kernel.threads-max {} and kernel.pid_max {} "
      "({} tasks in the system), RLIMIT_AS {} ({} mapped), vm.max_map_count {} ({} mappings), "
      "MemAvailable {}",
      limit_count(l.user_tasks), grouped(u.user_tasks), limit_count(l.threads_max),
      limit_count(l.pid_max), grouped(u.system_tasks), limit_bytes(l.address_space),
      limit_bytes(u.mapped_bytes), limit_count(l.map_count), grouped(u.mappings),
      l.memory_available == unlimited ? "unknown" : limit_bytes(l.memory_available));
}

// The reserve: address space (an untouched private mapping, so it costs no memory and does
// not show in RSS) and descriptors (/dev/null).
constexpr std::size_t reserve_bytes = 16 * mib;
std::atomic<void*> reserve_block{nullptr};
std::atomic<int> reserve_fds[2] = {-1, -1};

}  // namespace

std::optional<exhaustion_kind> exhaustion_kind_of_errno(int err) {
  switch (err) {
    case EAGAIN:
      return exhaustion_kind::tasks;
    case ENOMEM:
      return exhaustion_kind::memory;
    case EMFILE:
      return exhaustion_kind::descriptors;
    case ENFILE:
      return exhaustion_kind::system_descriptors;
    default:
      return std::nullopt;
  }
}

std::optional<exhaustion_kind> exhaustion_kind_of(const std::exception_ptr& e) {
  if (!e) return std::nullopt;
  try {
    std::rethrow_exception(e);
  } catch (const std::bad_alloc&) {
    return exhaustion_kind::memory;
  } catch (const std::system_error& s) {
    if (s.code().category() != std::generic_category() &&
        s.code().category() != std::system_category()) {
      return std::nullopt;
    }
    return exhaustion_kind_of_errno(s.code().value());
  } catch (...) {
    return std::nullopt;
  }
}

std::string diagnose_exhaustion(exhaustion_kind kind, const limits_snapshot& at,
                                std::string_view action, std::string_view detail) {
  const std::string head = limit_reached(kind, at);
  // A limit named says it all when the action says what failed; the exception's own text is
  // kept where there is no action, or no limit to name.
  if (!head.empty()) return head + ending(action, action.empty() ? detail : std::string_view{});
  return fmt::format("{} with no limit near ({})",
                     kind == exhaustion_kind::tasks ? "out of threads: the kernel refused a task"
                                                    : "out of memory: an allocation failed",
                     figures(at)) +
         ending(action, detail);
}

namespace {
// diagnose_now(e, kind, action, released) — the line for e, of this kind, with a snapshot taken
// now, to which what the reserve gave back is added: the usage when e happened.
std::string diagnose_now(const std::exception_ptr& e, exhaustion_kind kind, std::string_view action,
                         const released_reserve& released) {
  std::string detail;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    detail = x.what();
  } catch (...) {
  }
  limits_snapshot at = read_limits_snapshot();
  at.usage.mapped_bytes += released.bytes;
  at.usage.open_files += released.descriptors;
  if (released.bytes != 0) ++at.usage.mappings;
  return diagnose_exhaustion(kind, at, action, detail);
}
}  // namespace

void rethrow_diagnosed(const char* action, std::uint64_t number) {
  const std::exception_ptr current = std::current_exception();
  const std::optional<exhaustion_kind> kind = exhaustion_kind_of(current);
  if (!kind) throw;
  // Given back before anything here allocates.
  const released_reserve released = release_exhaustion_reserve();
  throw resource_exhausted(
      diagnose_now(current, *kind, fmt::format("{} {}", action, grouped(number)), released));
}

std::optional<std::string> diagnosis_of(const std::exception_ptr& e, std::string_view action) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const resource_exhausted& already) {
    return std::string(already.what());
  } catch (...) {
  }
  const std::optional<exhaustion_kind> kind = exhaustion_kind_of(e);
  if (!kind) return std::nullopt;
  const released_reserve released = release_exhaustion_reserve();
  return diagnose_now(e, *kind, action, released);
}

void hold_exhaustion_reserve() {
  if (reserve_block.load() == nullptr) {
    void* p = ::mmap(nullptr, reserve_bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) {
      void* expected = nullptr;
      if (!reserve_block.compare_exchange_strong(expected, p)) ::munmap(p, reserve_bytes);
    }
  }
  for (std::atomic<int>& fd : reserve_fds) {
    if (fd.load() >= 0) continue;
    const int opened = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int expected = -1;
    if (opened >= 0 && !fd.compare_exchange_strong(expected, opened)) ::close(opened);
  }
}

released_reserve release_exhaustion_reserve() {
  released_reserve r;
  if (void* p = reserve_block.exchange(nullptr)) {
    ::munmap(p, reserve_bytes);
    r.bytes = reserve_bytes;
  }
  for (std::atomic<int>& fd : reserve_fds) {
    if (const int f = fd.exchange(-1); f >= 0) {
      ::close(f);
      ++r.descriptors;
    }
  }
  return r;
}

}  // namespace threadlab
