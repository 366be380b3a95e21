// bench/models/hybrid.hpp — the M:N model: our own work-stealing scheduler (hybrid/) on
// Boost.Context, adapted to the model contract (bench/model.hpp).
//
// Green threads on M kernel workers: per-worker bounded Chase–Lev queues with stealing, a LIFO
// slot for the thread just woken, pooled guarded stacks with the control block on the stack,
// and workers that sleep on a futex when idle (see hybrid/src/scheduler.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <hybrid/blocking.hpp>
#include <hybrid/channel.hpp>
#include <hybrid/net.hpp>
#include <hybrid/observer.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

#include "bench/model.hpp"
#include "bench/scheduler_counters.hpp"
#include "bench/trace/tracer.hpp"
#include "detail/trace_bridge.hpp"
#include "detail/work_stealing_counters.hpp"

namespace threadlab::models {

namespace detail {

// hybrid_bridge — ::hybrid::observer → threadlab::tracer: every transition the scheduler makes,
// with the worker that made it (states mapped by trace_bridge.hpp). Thread-safe as the tracer
// is (workers report concurrently).
// Threads are not named: the timeline's default, "thread <id>", is the name they would get
// (and name_thread would cost a lock and an allocation per spawn).
class hybrid_bridge final : public ::hybrid::observer {
 public:
  explicit hybrid_bridge(tracer& sink) noexcept : sink_(sink) {}

  void on_transition(const ::hybrid::transition& t) noexcept override {
    sink_.record_at(sink_.since_origin(t.timestamp_ns), t.thread_id,
                    static_cast<std::int32_t>(t.worker_id), to_trace_state(t.state),
                    to_trace_wait(t.waiting), t.wait_detail);
  }

 private:
  tracer& sink_;
};

}  // namespace detail

// hybrid_on<Io> — M:N: cheap threads like green threads, on every core like kernel threads,
// with sockets waiting through Io (::hybrid::io_backend). A thread blocked in a system call
// holds its worker for about one monitor period (1 ms), then the monitor hands the worker's
// queue to a spare kernel thread: blocking_syscalls. The two back ends are two models, `hybrid`
// (epoll, readiness) and `hybrid_uring` (io_uring, completion), so that the net workloads
// compare them side by side; on everything else they are the same scheduler.
template <::hybrid::io_backend Io>
struct hybrid_on {
  static constexpr bool uring = Io == ::hybrid::io_backend::io_uring;
  static constexpr std::string_view name = uring ? "hybrid_uring" : "hybrid";
  static constexpr std::string_view description =
      uring ? "hybrid with io_uring sockets: operations submitted to a ring per worker"
            : "M:N green threads on M kernel workers (our work-stealing scheduler on "
              "Boost.Context)";
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads |
                                             capability::net | capability::blocking_syscalls;
  // thread_limit — a budget for default runs: skynet's full tree (1,111,111 threads) fits,
  // because a spawned thread goes to the LIFO end of its worker's local queue, so a spawn tree
  // runs depth-first and few threads are alive at once.
  static constexpr std::uint64_t thread_limit = 2'000'000;

  using thread = ::hybrid::thread;
  using mutex = ::hybrid::mutex;
  using condition_variable = ::hybrid::condition_variable;
  template <class T>
  using channel = ::hybrid::channel<T>;

  // world_options(opts) — opts.workers (0: one per core, ::hybrid::default_workers()),
  // opts.stack_size (0: 64 KiB) and the I/O back end.
  static ::hybrid::options world_options(const run_options& opts) {
    ::hybrid::options o;
    o.workers = opts.workers;
    o.stack_size = opts.stack_size;
    o.io = Io;
    return o;
  }

  static std::string configuration(const run_options& opts) {
    return ::hybrid::describe(world_options(opts));
  }

  // footprint(opts) — per thread: its stack, guard page included, reserved and a page of it
  // touched; no kernel task. No mappings counted: past its guard budget the stack pool carves
  // stacks without a guard page rather than fail on vm.max_map_count.
  static thread_footprint footprint(const run_options& opts) {
    const std::uint64_t stack =
        opts.stack_size != 0 ? opts.stack_size : ::hybrid::default_stack_size;
    return thread_footprint{
        .reserved_bytes = stack, .resident_bytes = 4096, .kernel_tasks = 0, .mappings = 0};
  }

  // describe_threads() — every green thread's state and wait, for a hang dump.
  static std::string describe_threads() { return ::hybrid::describe_threads(); }
  // unavailable() — why this machine cannot run the model: the kernel refuses io_uring (only
  // hybrid_uring can be refused).
  static std::string unavailable() { return uring ? ::hybrid::io_uring_unavailable() : ""; }

  // run(opts, body) — one M:N world. With opts.trace, the scheduler's observer reports every
  // transition through a hybrid_bridge, with the worker that made it. Throws cannot_run_here
  // when unavailable().
  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    if constexpr (uring) {
      if (std::string why = unavailable(); !why.empty()) throw cannot_run_here(why);
    }
    ::hybrid::options o = world_options(opts);
    std::optional<detail::hybrid_bridge> bridge;
    if (opts.trace != nullptr) {
      opts.trace->set_provenance(
          "hybrid: every transition observed by the scheduler itself (worker = the worker that "
          "made it)");
      o.observer = &bridge.emplace(*opts.trace);
    }
    const ::hybrid::stats s = ::hybrid::run(o, std::forward<Body>(body));
    if (opts.counters != nullptr) report_counters(s, *opts.counters);
  }

  // report_counters(s, to) — the scheduler's own counters of one run (::hybrid::stats), under
  // the names bench/scheduler_counters.hpp lists for hybrid.
  static void report_counters(const ::hybrid::stats& s, scheduler_counters& to) {
    detail::report_work_stealing_counters(s, to);
    to.add("handoffs", s.handoffs);
    to.add("blocking_moves", s.blocking_moves);
    to.add("stacks_mapped", s.stacks_mapped);
  }

  template <class Fn>
  static thread spawn(Fn&& fn) {
    return ::hybrid::spawn(std::forward<Fn>(fn));
  }

  // listener, stream, connect — sockets of the run's back end: a wait parks the green thread.
  using listener = ::hybrid::net::listener;
  using stream = ::hybrid::net::stream;
  static stream connect(std::string_view address, std::uint16_t port,
                        net_deadline d = net_forever) {
    return ::hybrid::net::connect(address, port, d);
  }

  // blocking(fn) — fn() on a spare kernel thread, the worker going on with its queue at once
  // (hybrid/blocking.hpp).
  template <class Fn>
  static decltype(auto) blocking(Fn&& fn) {
    return ::hybrid::blocking(std::forward<Fn>(fn));
  }

  static void yield() { ::hybrid::this_thread::yield(); }

  template <class Rep, class Period>
  static void sleep_for(std::chrono::duration<Rep, Period> d) {
    ::hybrid::this_thread::sleep_for(d);
  }
};

// Named types rather than aliases, so that test names and messages say "hybrid".
struct hybrid : hybrid_on<::hybrid::io_backend::epoll> {};
struct hybrid_uring : hybrid_on<::hybrid::io_backend::io_uring> {};

static_assert(threadlab::net_model<hybrid> && threadlab::net_model<hybrid_uring>);

}  // namespace threadlab::models
