// bench/models/detail/kernel_bridge.hpp — kernel_threads::observer → threadlab::tracer.
//
// Used by `kernel` (every thread is a kernel thread: events plus the kernel's schedstat
// totals) and `kernel_pool` (tasks traced as threads: no totals, since a task's worker is not
// the task). Events carry worker -1: the kernel, not the model, picks a CPU.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include <kernel_threads/observer.hpp>

#include "bench/trace/tracer.hpp"
#include "trace_bridge.hpp"

namespace threadlab::models::detail {

// kernel_bridge — forwards transitions and accounting to a tracer. Thread-safe as the tracer.
class kernel_bridge final : public kernel_threads::observer {
 public:
  // kernel_bridge(sink, name_prefix) — names each thread "<name_prefix> <id>" as it is created.
  kernel_bridge(tracer& sink, std::string name_prefix)
      : sink_(sink), name_prefix_(std::move(name_prefix)) {}

  void on_transition(const kernel_threads::transition& t) noexcept override {
    forward_transition(sink_, t, -1, name_prefix_);
  }

  void on_accounting(const kernel_threads::kernel_accounting& a) noexcept override {
    sink_.add_totals(thread_totals{a.thread_id, a.run_ns, a.wait_ns, a.timeslices});
  }

 private:
  tracer& sink_;
  const std::string name_prefix_;
};

// attach_bridge(trace, provenance, name_prefix, bridge) — the observer a kernel adapter's run
// hands to its threads: with trace null (tracing off), nullptr and bridge left empty; otherwise
// records provenance on trace, constructs bridge over it and returns it. Precondition: bridge is
// empty and outlives every thread of the run.
inline kernel_threads::observer* attach_bridge(tracer* trace, std::string provenance,
                                               std::string name_prefix,
                                               std::optional<kernel_bridge>& bridge) {
  if (trace == nullptr) return nullptr;
  trace->set_provenance(std::move(provenance));
  return &bridge.emplace(*trace, std::move(name_prefix));
}

}  // namespace threadlab::models::detail
