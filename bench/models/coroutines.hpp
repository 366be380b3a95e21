// bench/models/coroutines.hpp — the stackless M:N model: C++20 coroutines on our own
// work-stealing scheduler (coroutines/), adapted to the stackless model contract
// (bench/model.hpp, stackless_model).
//
// A thread is a chain of coroutine frames on the heap, resumed by M kernel workers with the
// queues of hybrid (per-worker Chase–Lev queues, stealing, a LIFO slot, futex parking). Every wait
// is a co_await, so workloads reach this model only through their coroutine forms
// (`run_async<M>`); the others are skipped, with the reason, by the catalogue.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <coroutines/channel.hpp>
#include <coroutines/net.hpp>
#include <coroutines/observer.hpp>
#include <coroutines/runtime.hpp>
#include <coroutines/sync.hpp>
#include <coroutines/task.hpp>
#include <coroutines/thread.hpp>

#include "bench/model.hpp"
#include "bench/scheduler_counters.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/trace_bridge.hpp"
#include "detail/work_stealing_counters.hpp"

namespace threadlab::models {

namespace detail {

// coroutines_bridge — ::coroutines::observer → threadlab::tracer: every transition the scheduler
// makes, with the worker that made it (states and waits mapped by trace_bridge.hpp). Thread-safe
// as the tracer is. Threads are not named, as in hybrid_bridge: "thread <id>" is the default.
class coroutines_bridge final : public ::coroutines::observer {
 public:
  explicit coroutines_bridge(tracer& sink) noexcept : sink_(sink) {}

  void on_transition(const ::coroutines::transition& t) noexcept override {
    sink_.record_at(sink_.since_origin(t.timestamp_ns), t.thread_id,
                    static_cast<std::int32_t>(t.worker_id), to_trace_state(t.state),
                    to_trace_wait(t.waiting), t.wait_detail);
  }

 private:
  tracer& sink_;
};

}  // namespace detail

// coroutines — M:N stackless threads. Cheap (a suspended thread is its frames: tens to hundreds
// of bytes), on every core, and waiting only where the code says co_await; a blocking system call
// holds its worker (no monitor can move a coroutine whose callers are on the worker's stack), so
// no blocking_syscalls. Sockets are the module's own (coroutines/net.hpp): a read that would
// block suspends the thread on the run's netpoller.
struct coroutines {
  static constexpr bool stackless = true;
  static constexpr std::string_view name = "coroutines";
  static constexpr std::string_view description =
      "M:N stackless C++20 coroutines on M kernel workers (our work-stealing scheduler, no "
      "stacks)";
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads |
                                             capability::net;
  // thread_limit — as hybrid's: skynet's full tree fits, a spawn going to the LIFO end of the
  // worker's queue (the tree runs depth-first), and a parked thread costs only its frames.
  static constexpr std::uint64_t thread_limit = 2'000'000;

  template <class T = void>
  using task = ::coroutines::task<T>;
  using thread = ::coroutines::join_handle<void>;
  using mutex = ::coroutines::mutex;
  using unique_lock = ::coroutines::unique_lock;
  using condition_variable = ::coroutines::condition_variable;
  template <class T>
  using channel = ::coroutines::channel<T>;
  using listener = ::coroutines::net::listener;
  using stream = ::coroutines::net::stream;

  // connect(address, port, deadline) — a task connecting a stream (coroutines/net.hpp).
  static task<stream> connect(std::string_view address, std::uint16_t port, net_deadline deadline) {
    return ::coroutines::net::connect(address, port, deadline);
  }

  // world_options(opts) — opts.workers (0: one per core); opts.stack_size means nothing here (a
  // coroutine has no stack: its frame is the size the compiler chose).
  static ::coroutines::options world_options(const run_options& opts) {
    ::coroutines::options o;
    o.workers = opts.workers;
    return o;
  }

  static std::string configuration(const run_options& opts) {
    return ::coroutines::describe(world_options(opts)) + " stack_size ignored (no stacks)";
  }

  // last_stats() — the counters of the calling kernel thread's last run (frame sizes included),
  // for the workloads that report them (memory's frame note).
  static const ::coroutines::stats& last_stats() noexcept { return last_stats_slot(); }

  // run(opts, body) — one world; body returns task<void>. With opts.trace, the scheduler's
  // observer reports every transition through a coroutines_bridge, with the worker that made it.
  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    ::coroutines::options o = world_options(opts);
    std::optional<detail::coroutines_bridge> bridge;
    if (opts.trace != nullptr) {
      opts.trace->set_provenance(
          "coroutines: every transition observed by the scheduler itself (worker = the worker "
          "that made it)");
      o.observer = &bridge.emplace(*opts.trace);
    }
    const ::coroutines::stats s = ::coroutines::run(o, std::forward<Body>(body));
    last_stats_slot() = s;
    if (opts.counters != nullptr) report_counters(s, *opts.counters);
  }

  // report_counters(s, to) — the scheduler's own counters of one run (::coroutines::stats), under
  // hybrid's names where the event is the same (bench/scheduler_counters.hpp), and
  // frames_allocated, frames_from_heap, frame_bytes, largest_frame for the frame pool: the frame
  // sizes of the workload's coroutines (frame_bytes / frames_allocated is their mean, control
  // blocks included), and io_wakeups: threads a socket event woke.
  static void report_counters(const ::coroutines::stats& s, scheduler_counters& to) {
    detail::report_work_stealing_counters(s, to);
    to.add("io_wakeups", s.io_wakeups);
    to.add("frames_allocated", s.frames_allocated);
    to.add("frames_from_heap", s.frames_from_heap);
    to.add("frame_bytes", s.frame_bytes);
    to.add("largest_frame", s.largest_frame);
  }

  // spawn(fn) — a thread running fn() (or fn(token)), fn kept alive for the thread's life.
  template <class Fn>
  static thread spawn(Fn&& fn) {
    return ::coroutines::spawn(std::forward<Fn>(fn));
  }

  static ::coroutines::yield_awaiter yield() noexcept { return ::coroutines::yield(); }

  template <class Rep, class Period>
  static ::coroutines::sleep_awaiter sleep_for(std::chrono::duration<Rep, Period> d) noexcept {
    return ::coroutines::sleep_for(d);
  }

 private:
  static ::coroutines::stats& last_stats_slot() noexcept {
    thread_local ::coroutines::stats s;
    return s;
  }
};

static_assert(threadlab::stackless_model<coroutines>);
static_assert(threadlab::stackless_net_model<coroutines>);

}  // namespace threadlab::models
