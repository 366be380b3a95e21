// bench/run/capacity.cpp — the estimate of whether an asked size fits (see capacity.hpp): each
// limit as a budget that the threads' demand must stay within, and a binary search for the
// largest size each budget allows.
#include "bench/run/capacity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "bench/report/units.hpp"

namespace threadlab {

namespace {

// times(a, b) — a * b, or `unlimited` when it would overflow.
std::uint64_t times(std::uint64_t a, std::uint64_t b) {
  return b != 0 && a > unlimited / b ? unlimited : a * b;
}

// budget — one limit: how much of it is left, and what one thread takes of it.
struct budget {
  std::string limit;
  std::string value;
  std::uint64_t left = 0;        // the limit less what is in use now (0 when already past it)
  std::uint64_t per_thread = 0;  // 0: the limit does not concern this model's threads
};

// budgets(f, at) — every limit a thread of footprint f draws on, with what is left of it.
std::vector<budget> budgets(const thread_footprint& f, const limits_snapshot& at) {
  const system_limits& l = at.limits;
  const system_usage& u = at.usage;
  auto left = [](std::uint64_t max, std::uint64_t used) {
    return max == unlimited ? unlimited : (max > used ? max - used : 0);
  };
  return {
      {"RLIMIT_AS (ulimit -v)", limit_bytes(l.address_space), left(l.address_space, u.mapped_bytes),
       f.reserved_bytes},
      {"RLIMIT_NPROC (ulimit -u)", limit_count(l.user_tasks), left(l.user_tasks, u.user_tasks),
       f.kernel_tasks},
      {"kernel.threads-max", limit_count(l.threads_max), left(l.threads_max, u.system_tasks),
       f.kernel_tasks},
      {"kernel.pid_max", limit_count(l.pid_max), left(l.pid_max, u.system_tasks), f.kernel_tasks},
      {"vm.max_map_count", limit_count(l.map_count), left(l.map_count, u.mappings), f.mappings},
      {"MemAvailable", limit_bytes(l.memory_available), l.memory_available, f.resident_bytes},
  };
}

// fits(b, threads) — threads stay within what b has left.
bool fits(const budget& b, std::uint64_t threads) {
  return b.per_thread == 0 || b.left == unlimited || times(threads, b.per_thread) <= b.left;
}

// largest_fitting(b, threads_at, size) — the largest s < size whose threads fit b (0: none).
// Precondition: size's threads do not fit.
std::uint64_t largest_fitting(const budget& b, std::uint64_t (*threads_at)(std::uint64_t),
                              std::uint64_t size) {
  std::uint64_t lo = 0;     // fits, or 0
  std::uint64_t hi = size;  // does not fit
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (fits(b, threads_at(mid))) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// largest_asked(params) — the largest size params asks for, or nullopt for default sizes.
std::optional<std::uint64_t> largest_asked(const parameters& params) {
  if (!params.size_sweep.empty()) {
    return *std::max_element(params.size_sweep.begin(), params.size_sweep.end());
  }
  return params.size;
}

}  // namespace

std::vector<exceeded_limit> exceeded_limits(const thread_footprint& f,
                                            std::uint64_t (*threads_at)(std::uint64_t),
                                            std::uint64_t size, const limits_snapshot& at) {
  std::vector<exceeded_limit> out;
  const std::uint64_t threads = threads_at(size);
  for (const budget& b : budgets(f, at)) {
    if (fits(b, threads)) continue;
    out.push_back(exceeded_limit{b.limit, b.value, largest_fitting(b, threads_at, size)});
  }
  return out;
}

std::string capacity_refusal(const registry& reg, const selection& sel, const parameters& params,
                             const limits_snapshot& at) {
  const std::optional<std::uint64_t> size = largest_asked(params);
  if (!size) return {};
  std::string pairs;
  for (const pair_entry* p : sel.pairs) {
    const workload_info& w = reg.workloads.at(p->workload);
    const model_info& m = reg.models.at(p->model);
    if (p->run == nullptr || w.threads_at == nullptr || m.footprint == nullptr) continue;
    // The most workers a sweep asks for: a model's footprint may depend on them.
    parameters point = params;
    point.size = size;
    if (!params.workers_sweep.empty()) {
      point.workers = *std::max_element(params.workers_sweep.begin(), params.workers_sweep.end());
    }
    const std::optional<thread_footprint> f = m.footprint(model_options(point));
    if (!f) continue;
    const std::vector<exceeded_limit> exceeded = exceeded_limits(*f, w.threads_at, *size, at);
    if (exceeded.empty()) continue;
    std::string limits;
    for (const exceeded_limit& e : exceeded) {
      if (!limits.empty()) limits += ", ";
      limits += e.largest_size == 0
                    ? fmt::format("{} is {}, which allows no size", e.limit, e.value)
                    : fmt::format("{} is {}, which allows --size {} at most", e.limit, e.value,
                                  grouped(e.largest_size));
    }
    if (!pairs.empty()) pairs += "; ";
    pairs += fmt::format("{} on {} needs {} threads: {}", w.name, m.name,
                         grouped(w.threads_at(*size)), limits);
  }
  if (pairs.empty()) return {};
  return fmt::format("--size {} does not fit this machine: {}", grouped(*size), pairs);
}

}  // namespace threadlab
