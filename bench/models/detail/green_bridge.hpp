// bench/models/detail/green_bridge.hpp — green_threads::observer → threadlab::tracer.
//
// Used by the two adapters built on green_threads: `green` (one kernel thread: worker -1) and
// `boost_fiber_ws` (M kernel threads: the worker index). Fiber ids are the module's (1, 2, ...
// in order of first sighting, unique within a world), so they are unique within the run.
#pragma once

#include <cstdint>

#include <green_threads/observer.hpp>

#include "bench/trace/tracer.hpp"
#include "trace_bridge.hpp"

namespace threadlab::models::detail {

// green_bridge — forwards each transition to a tracer, naming each fiber ("fiber <id>") as it
// appears. Thread-safe as the tracer is (on_transition may run on several kernel threads at
// once).
class green_bridge final : public green_threads::observer {
 public:
  // green_bridge(sink, has_workers) — has_workers false: events carry worker -1 (N:1).
  green_bridge(tracer& sink, bool has_workers) noexcept : sink_(sink), has_workers_(has_workers) {}

  void on_transition(const green_threads::transition& t) noexcept override {
    const std::int32_t worker = has_workers_ ? static_cast<std::int32_t>(t.worker_id) : -1;
    forward_transition(sink_, t, worker, "fiber");
  }

 private:
  tracer& sink_;
  bool has_workers_;
};

}  // namespace threadlab::models::detail
