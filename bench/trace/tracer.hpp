// bench/trace/tracer.hpp — the tracer: where every model reports its threads' state transitions.
//
// Five states (docs/architecture.md): created (spawned, never run), ready (runnable,
// waiting for a CPU or a worker), running, blocked (waiting on a mutex, condition, channel,
// timer, join or I/O), terminated. A model's adapter (bench/models/<name>.hpp) bridges its
// module's own hook (hybrid::observer, green_threads' wrapping algorithm, kernel_threads'
// user-space events) to a tracer passed in run_options::trace. Modules never include bench/.
//
// Cost when off: run_options::trace is nullptr and each hook is one predictable branch.
// Cost when on: record() is one relaxed fetch_add on a shared cursor plus one store into a
// preallocated slot — no allocation, no lock. Events past max_events are dropped and counted.
//
// Threads: record(), add_totals() and name_thread() may be called from any kernel thread
// concurrently; everything else only from the thread that owns the tracer, before the run
// starts or after it has finished (run's return orders all records before it).
//
// Per-thread totals: a model whose scheduler is the kernel cannot see when its threads wait
// for a CPU; each of its threads reads the kernel's own accounting for itself as it exits
// (/proc/thread-self/schedstat) and files it with add_totals(). bench/trace/states.hpp prefers
// those figures to the events for ready and running time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace threadlab {

// thread_state — the state a thread enters.
enum class thread_state : std::uint8_t { created, ready, running, blocked, terminated };

// to_string(s) — "created", "ready", "running", "blocked", "terminated".
constexpr std::string_view to_string(thread_state s) {
  switch (s) {
    case thread_state::created:
      return "created";
    case thread_state::ready:
      return "ready";
    case thread_state::running:
      return "running";
    case thread_state::blocked:
      return "blocked";
    case thread_state::terminated:
      return "terminated";
  }
  return "?";
}

// wait_kind — what a blocked thread waits for, when its model says (unknown otherwise).
enum class wait_kind : std::uint8_t {
  unknown,
  mutex,
  condition,
  channel,
  join,
  sleep,
  readable,       // a socket (detail: its descriptor) to have data, a connection or end of file
  writable,       // a socket to have room (or a connection to complete)
  blocking_call,  // a call the model runs off its workers (M::blocking) to return
};

// describe_wait(kind, detail) — "fd 12 readable", "a mutex", ...; "" for unknown.
std::string describe_wait(wait_kind kind, std::uint64_t detail);

// trace_event — thread `thread` entered `state` at `time_ns` (steady clock, nanoseconds since
// the tracer's origin), on kernel worker `worker` (-1 when the model has no workers); for a
// blocked thread, what it waits for.
struct trace_event {
  std::uint64_t time_ns = 0;
  std::uint64_t thread = 0;  // unique within a run; assigned by the model's bridge
  std::int32_t worker = -1;
  thread_state state = thread_state::created;
  wait_kind waiting = wait_kind::unknown;
  std::uint64_t wait_detail = 0;  // readable / writable: the descriptor
};

// thread_totals — the kernel's accounting of one thread over its whole life (schedstat):
// time on a CPU, time runnable in a run queue, and the number of times it was put on a CPU.
struct thread_totals {
  std::uint64_t thread = 0;  // the id of the thread's trace events
  std::uint64_t run_ns = 0;
  std::uint64_t wait_ns = 0;
  std::uint64_t timeslices = 0;
};

// tracer — a bounded, preallocated event log for one run.
class tracer {
 public:
  using clock = std::chrono::steady_clock;

  // tracer(max_events, max_totals) — preallocates max_events event slots and max_totals
  // per-thread totals (touching them, so that recording causes no page faults). The origin of
  // time_ns is the construction time.
  explicit tracer(std::size_t max_events = 1'000'000, std::size_t max_totals = 65'536)
      : slots_(std::make_unique<trace_event[]>(max_events)),
        capacity_(max_events),
        totals_(std::make_unique<thread_totals[]>(max_totals)),
        totals_capacity_(max_totals),
        origin_(clock::now()) {}

  tracer(const tracer&) = delete;
  tracer& operator=(const tracer&) = delete;

  // now_ns() — nanoseconds since the origin.
  std::uint64_t now_ns() const noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - origin_).count());
  }

  // since_origin(steady_ns) — a steady_clock reading (nanoseconds since the clock's epoch, as
  // module observers report them) as nanoseconds since the origin; 0 for a time before it.
  std::uint64_t since_origin(std::int64_t steady_ns) const noexcept {
    const std::int64_t origin =
        std::chrono::duration_cast<std::chrono::nanoseconds>(origin_.time_since_epoch()).count();
    return steady_ns > origin ? static_cast<std::uint64_t>(steady_ns - origin) : 0;
  }

  // record(thread, worker, state) — append one event stamped now. Any thread; lock-free.
  void record(std::uint64_t thread, std::int32_t worker, thread_state state) noexcept {
    record_at(now_ns(), thread, worker, state);
  }

  // record_at(t, thread, worker, state) — append one event with a time the caller measured.
  void record_at(std::uint64_t time_ns, std::uint64_t thread, std::int32_t worker,
                 thread_state state, wait_kind waiting = wait_kind::unknown,
                 std::uint64_t wait_detail = 0) noexcept {
    // relaxed: the cursor only hands out distinct slots; the slots are read after the run,
    // and run's return (a join) orders every write before that read.
    const std::size_t i = cursor_.fetch_add(1, std::memory_order_relaxed);
    if (i >= capacity_) return;  // full: counted by dropped()
    slots_[i] = trace_event{time_ns, thread, worker, state, waiting, wait_detail};
  }

  // recorded() — events kept, in slot order (not sorted by time). Owner only, after the run.
  std::size_t recorded() const noexcept {
    const std::size_t n = cursor_.load(std::memory_order_relaxed);
    return n < capacity_ ? n : capacity_;
  }
  const trace_event* events() const noexcept { return slots_.get(); }
  // dropped() — events lost because the log was full. Owner only, after the run.
  std::size_t dropped() const noexcept {
    const std::size_t n = cursor_.load(std::memory_order_relaxed);
    return n > capacity_ ? n - capacity_ : 0;
  }
  std::size_t capacity() const noexcept { return capacity_; }

  // add_totals(t) — file one thread's kernel accounting. Any thread; lock-free; past
  // max_totals entries it is dropped and counted by totals_dropped().
  void add_totals(const thread_totals& t) noexcept {
    // relaxed: as record_at's cursor, only hands out distinct slots.
    const std::size_t i = totals_cursor_.fetch_add(1, std::memory_order_relaxed);
    if (i >= totals_capacity_) return;
    totals_[i] = t;
  }
  // totals() / totals_count() / totals_dropped() — the filed totals. Owner only, after the run.
  const thread_totals* totals() const noexcept { return totals_.get(); }
  std::size_t totals_count() const noexcept {
    const std::size_t n = totals_cursor_.load(std::memory_order_relaxed);
    return n < totals_capacity_ ? n : totals_capacity_;
  }
  std::size_t totals_dropped() const noexcept {
    const std::size_t n = totals_cursor_.load(std::memory_order_relaxed);
    return n > totals_capacity_ ? n - totals_capacity_ : 0;
  }

  // set_provenance(text) — says, for the reader of the figures, which of them the model
  // observed and which are inferred ("kernel: ready and running from schedstat, observed;
  // blocked inferred"). Owner only: the model's run() sets it before starting its world.
  void set_provenance(std::string text) { provenance_ = std::move(text); }
  const std::string& provenance() const noexcept { return provenance_; }

  // name_thread(thread, name) — a display name for the timeline. Any thread; takes a mutex,
  // so bridges call it only while tracing is on (never on a measured path when off).
  void name_thread(std::uint64_t thread, std::string name) {
    std::lock_guard lock(names_mutex_);
    names_.emplace_back(thread, std::move(name));
  }
  // names() — (thread, name) pairs in the order given. Owner only, after the run.
  const std::vector<std::pair<std::uint64_t, std::string>>& names() const { return names_; }

 private:
  std::unique_ptr<trace_event[]> slots_;
  std::size_t capacity_;
  std::unique_ptr<thread_totals[]> totals_;
  std::size_t totals_capacity_;
  clock::time_point origin_;
  std::atomic<std::size_t> cursor_{0};
  std::atomic<std::size_t> totals_cursor_{0};
  std::string provenance_;
  std::mutex names_mutex_;
  std::vector<std::pair<std::uint64_t, std::string>> names_;  // written under names_mutex_
};

}  // namespace threadlab
