// bench/model.hpp — the model contract.
//
// A *model* is a way to run concurrent threads: one kernel thread each (1:1), fibers on one
// kernel thread (N:1), fibers over M kernel workers (M:N), or a peer library. Every workload in
// bench/workloads/ is written once, as a template over a type M that satisfies `model`, and runs
// unchanged on each of them. A model is a type with static members only: its "world" (workers,
// scheduler) is entered with M::run and is reachable from inside through thread-local state.
//
// A model is *stackful* (`model`) or *stackless* (`stackless_model`). A stackful thread has a
// stack of its own, so any function it calls may block (join, channel pop, lock). A stackless
// thread is a chain of coroutine frames: it can wait only in a `co_await`, so every wait the
// model offers is an awaitable and every function that waits, up to the thread's body, is a
// coroutine. A workload runs on a stackless model only through its coroutine form
// (`run_async<M>`, bench/workload.hpp); one without it is skipped there, with the reason.
//
// Adding a model: write an adapter in bench/models/<name>.hpp that satisfies one of these
// concepts, add it to `all_models` in bench/models/all.hpp, and make tests/conformance pass for
// it. Outside this repository, against the installed package: the same adapter, given to run_cli
// (bench/extend.hpp), and the same suite (examples/out_of_tree_model).
#pragma once

#include <chrono>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

namespace threadlab {

// capability — what a workload may require of a model. The runner skips a (workload, model)
// pair whose model lacks a required capability, and the report says which one and why
// (capability_table below).
enum class capability : std::uint32_t {
  none = 0,
  // Threads run in parallel on several cores.
  multicore = 1u << 0,
  // A thread may block until *another thread of the model* acts (channel pop, join of a thread
  // that itself waits, condition wait), with any number of threads, without deadlocking. A fixed
  // pool of kernel threads lacks it: once every worker blocks, nothing runs the waker.
  waits_on_threads = 1u << 1,
  // 100,000 threads alive at once is cheap (small stacks, no kernel task each).
  many_threads = 1u << 2,
  // A blocking system call blocks only the calling thread, not its siblings.
  blocking_syscalls = 1u << 3,
  // TCP sockets whose blocking calls (accept, connect, read, write) block only the calling
  // thread of the model: the model satisfies `net_model` (or, stackless, `stackless_net_model`)
  // below, and a server with one thread
  // per connection keeps thousands of idle connections without a busy core.
  net = 1u << 4,
  // A thread may join threads it spawned, which join threads they spawned, to any depth
  // (fork-join: skynet), without deadlocking. Every model with waits_on_threads has it; a task
  // library whose join runs queued tasks while it waits (oneTBB) has it without the other.
  nested_joins = 1u << 5,
};

// capability_info — one capability as reports name it: its stable name (`threadlab list`, skip
// reasons) and the sentence saying why a workload that requires it cannot run without it.
struct capability_info {
  capability bit;
  std::string_view name;
  std::string_view why_required;
};

// capability_table — every capability, in bit order: the one list describe() and the runner's
// skip reasons read. A new capability is an enumerator above and a line here.
inline constexpr capability_info capability_table[] = {
    {capability::multicore, "multicore",
     "the workload measures work spread over several cores, which one core cannot show"},
    {capability::waits_on_threads, "waits_on_threads",
     "a fixed pool deadlocks when every worker waits on a task that is queued behind it"},
    {capability::many_threads, "many_threads",
     "the workload keeps more threads alive at once than the model can hold cheaply"},
    {capability::blocking_syscalls, "blocking_syscalls",
     "a blocking system call would stall every other thread of the model"},
    {capability::net, "net", "the workload serves TCP connections through the model's sockets"},
    {capability::nested_joins, "nested_joins",
     "threads join threads that join threads: a join that only blocks holds a worker each "
     "level down"},
};

constexpr capability operator|(capability a, capability b) {
  return static_cast<capability>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr capability operator&(capability a, capability b) {
  return static_cast<capability>(static_cast<std::uint32_t>(a) & static_cast<std::uint32_t>(b));
}
// has(set, c) — true when every bit of c is in set.
constexpr bool has(capability set, capability c) { return (set & c) == c; }
// missing(have, need) — the capabilities in need that have lacks.
constexpr capability missing(capability have, capability need) {
  return static_cast<capability>(static_cast<std::uint32_t>(need) &
                                 ~static_cast<std::uint32_t>(have));
}
// describe(c) — "multicore, waits_on_threads" for the report; "none" for no capability.
std::string describe(capability c);

class tracer;              // bench/trace/tracer.hpp
class scheduler_counters;  // bench/scheduler_counters.hpp

// run_options — how a model's world is set up for one run.
struct run_options {
  // Kernel workers for pool and M:N models; 0 means std::thread::hardware_concurrency().
  // Models with no workers (kernel, green) ignore it.
  unsigned workers = 0;
  // Stack size in bytes for each thread; 0 means the model's own default (each adapter says
  // which in M::configuration).
  std::size_t stack_size = 0;
  // trace — where the model reports every thread's state transitions (bench/trace/tracer.hpp);
  // nullptr: tracing off, which must cost nothing measurable (one predictable branch per
  // hook). Not owned; outlives run().
  tracer* trace = nullptr;
  // counters — where a model that counts its scheduler's events adds them when M::run ends
  // (bench/scheduler_counters.hpp); nullptr: not asked. Not owned; outlives run().
  scheduler_counters* counters = nullptr;
  // size_given — the size was asked for explicitly (`--size`): the workload runs exactly that
  // size, never scaled down to M::thread_limit (workloads/support.hpp, thread_budget), and a
  // limit it hits is an error. false: the workload's default size, scaled to fit the budget.
  bool size_given = false;
};

// thread_footprint — what one thread of a model takes from the operating system at the least,
// for the estimate of whether an asked size fits this machine (bench/run/capacity.hpp). Lower
// bounds: a run refused on them could not have run.
struct thread_footprint {
  std::uint64_t reserved_bytes = 0;  // address space: the stack and its guard page
  std::uint64_t resident_bytes = 0;  // memory a parked thread touches (user and kernel stack)
  std::uint64_t kernel_tasks = 0;    // 1 for a kernel thread (RLIMIT_NPROC, threads-max), else 0
  std::uint64_t mappings = 0;        // memory mappings (vm.max_map_count) the thread adds
};

// footprint_of<M>(opts) — M::footprint(opts) for a model that declares it (optional: a model
// without one is not estimated), else nullopt.
template <class M>
std::optional<thread_footprint> footprint_of(const run_options& opts) {
  if constexpr (requires { M::footprint(opts); }) {
    return M::footprint(opts);
  } else {
    return std::nullopt;
  }
}

// cannot_run_here — this machine cannot run the pair: a program the workload drives (such as
// wrk) is not installed, or the kernel refuses what the model needs (io_uring disabled). Thrown
// by a workload or by M::run; the runner reports the pair as skipped with what() as the reason,
// like a missing capability: not an error, and never a number.
class cannot_run_here : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// unavailable_here<M>() — why M cannot run on this machine, or "" when it can: M::unavailable()
// for a model that declares it (optional: most models always run), else "". A model that
// declares it throws cannot_run_here from M::run with the same text.
template <class M>
std::string unavailable_here() {
  if constexpr (requires { M::unavailable(); }) {
    return M::unavailable();
  } else {
    return {};
  }
}

// resolved_workers(o) — o.workers with 0 replaced by the core count (at least 1: the standard
// lets hardware_concurrency() return 0 when it cannot tell). Inline, so that header-only
// adapters and the tests that include them need no library.
inline unsigned resolved_workers(const run_options& o) {
  if (o.workers != 0) return o.workers;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores != 0 ? cores : 1;
}

namespace detail {
// Representative callables, used only to state the concept's requirements.
struct probe_fn {
  void operator()() const {}
};
struct stoppable_probe_fn {
  void operator()(std::stop_token) const {}
};
struct probe_predicate {
  bool operator()() const { return true; }
};
}  // namespace detail

// model_description — what the harness reads of every model, stackful or stackless, without
// running it: the catalogue, `threadlab list` and the report's configuration lines.
template <class M>
concept model_description = requires(const run_options& opts) {
  // M::name — a short stable id used on the command line and in result files ("kernel").
  { M::name } -> std::convertible_to<std::string_view>;
  // M::description — one line for `threadlab list`.
  { M::description } -> std::convertible_to<std::string_view>;
  // M::capabilities — what workloads may rely on; see `capability`.
  { M::capabilities } -> std::convertible_to<capability>;
  // M::thread_limit — how many threads of this model a workload may keep alive at once in a
  // default run. Workloads that would exceed it run at a smaller, documented size and mark
  // their result as scaled; an explicit size (run_options::size_given) is run as asked.
  { M::thread_limit } -> std::convertible_to<std::uint64_t>;
  // M::configuration(opts) — the model's effective setup for the report: workers, stack size
  // and allocator, scheduling policy. A comparison is fair only when each model is at its best,
  // so the reader must see how each one was configured.
  { M::configuration(opts) } -> std::convertible_to<std::string>;
};

// model — what a stackful model offers. Every requirement below is something a workload may
// rely on.
template <class M>
concept model = model_description<M> &&
    requires(const run_options& opts, typename M::thread& t, typename M::mutex& mu,
             typename M::condition_variable& cv, std::unique_lock<typename M::mutex>& lock,
             typename M::template channel<int>& ch, std::chrono::nanoseconds d,
             std::stop_token token) {
  // M::run(opts, body) — start the model's world, run body() as a thread of the model, wait
  // for it and for every thread it spawned, and shut down. An exception escaping body is
  // rethrown by run. Calls to run do not nest; spawn/yield/sleep_for/primitives are used only
  // from inside body or from threads it spawned.
  M::run(opts, detail::probe_fn{});
  // M::spawn(fn) — create a thread of the model running fn() and return its handle. The thread
  // may start before spawn returns. An exception escaping fn is captured and rethrown by join.
  { M::spawn(detail::probe_fn{}) } -> std::same_as<typename M::thread>;
  // thread::join() — wait until the thread has finished; every effect of the thread
  // happens-before join returns. Each thread is joined exactly once, before its handle is
  // destroyed. Handles are movable.
  t.join();
  requires std::movable<typename M::thread>;
  // Ending threads is cooperative, as with std::jthread: when fn takes a std::stop_token,
  // spawn passes it one, and t.request_stop() triggers it (returning true when this call made
  // the request). Every stoppable wait below then returns; nothing is ever interrupted or
  // killed. mutex::lock and join are not cancellation points (as in the standard library):
  // a lock is held briefly, and a join ends when the joined thread, which one stops, ends.
  { M::spawn(detail::stoppable_probe_fn{}) } -> std::same_as<typename M::thread>;
  { t.request_stop() } -> std::same_as<bool>;
  // M::yield() — let other ready threads of the model run.
  M::yield();
  // M::blocking(fn) — run fn, a call that blocks in the kernel (a system call, a library that
  // waits), the model's best way: returns fn's result and rethrows its exception; fn runs exactly
  // once. Kernel threads run it inline (they block alone); a fiber model runs it on a helper
  // kernel thread, or hands the worker's other threads to another kernel thread meanwhile.
  { M::blocking(detail::probe_fn{}) } -> std::same_as<void>;
  // M::sleep_for(d) — block the calling thread (not its kernel worker) for at least d.
  M::sleep_for(d);
  // mutex / condition_variable — block the calling thread of the model, not its kernel
  // worker. The mutex meets the Lockable requirements (works with std::unique_lock); wait
  // follows std::condition_variable's semantics, spurious wake-ups included.
  mu.lock();
  mu.unlock();
  { mu.try_lock() } -> std::same_as<bool>;
  cv.wait(lock);
  cv.notify_one();
  cv.notify_all();
  // cv.wait(lock, token, pred) — std::condition_variable_any's stoppable wait: blocks until
  // pred() holds or a stop is requested on token, and returns pred().
  { cv.wait(lock, token, detail::probe_predicate{}) } -> std::same_as<bool>;
  // channel<T>(capacity) — a bounded multi-producer multi-consumer FIFO, capacity >= 1.
  //   push(v): blocks while full; returns false (dropping v) once the channel is closed.
  //   pop():   blocks while empty and open; after close it still drains what was pushed,
  //            then returns std::nullopt.
  //   close(): wakes every blocked push and pop. Items from one producer arrive in order.
  requires std::constructible_from<typename M::template channel<int>, std::size_t>;
  { ch.push(1) } -> std::same_as<bool>;
  { ch.pop() } -> std::same_as<std::optional<int>>;
  ch.close();
  //   push(v, token) / pop(token): as push and pop, and a stop requested on token while they
  //            wait makes them return false / std::nullopt; the channel stays open for others.
  { ch.push(1, token) } -> std::same_as<bool>;
  { ch.pop(token) } -> std::same_as<std::optional<int>>;
};

// is_stackless<M> — M declares `static constexpr bool stackless = true`: its threads are
// stackless coroutines, and a workload reaches it only through a coroutine form. What the
// catalogue and the tests branch on; stackless_model below is what such a model must offer.
template <class M>
inline constexpr bool is_stackless = requires {
  requires M::stackless;
};

// promise_of<M> — the promise type of M's coroutines, which decides what `co_await` accepts in
// them: std::coroutine_traits of M::task<void> (a library's task type names its promise there;
// the promise of task<T> differs from task<void>'s only in how it returns its value).
template <class M>
using promise_of = typename std::coroutine_traits<typename M::template task<void>>::promise_type;

namespace detail {
// The steps of `co_await e` in a coroutine whose promise is P ([expr.await]), as declarations for
// decltype only (never defined, never called):
//   1. the operand: p.await_transform(e) when P declares any member named await_transform, else
//      e itself. A promise with await_transform decides alone what may be awaited:
//      asio::awaitable's accepts Asio's own awaitables and nothing else.
//   2. the awaiter: the operand's operator co_await (member, else found by argument-dependent
//      lookup), else the operand itself.
//   3. await_ready(), await_suspend(std::coroutine_handle<P>) and await_resume() on it: P, not
//      void, because an awaiter may accept only handles to its own library's frames
//      (asio::awaitable's await_suspend takes a handle to an asio::detail::awaitable_frame).
//
// has_await_transform<P> — P declares a member await_transform, whatever its parameters
// (overloads and templates included): a class deriving from P and from a class with its own
// await_transform then finds the name in two bases, and naming it is ambiguous.
struct await_transform_marker {
  void await_transform();
};
template <class P>
struct await_transform_probe : P, await_transform_marker {};
template <class P>
concept has_await_transform = !requires {
  &await_transform_probe<P>::await_transform;
};

template <class P, class E>
requires has_await_transform<P>
auto await_operand(P& p, E&& e) -> decltype(p.await_transform(static_cast<E&&>(e)));
template <class P, class E>
requires(!has_await_transform<P>) auto await_operand(P& p, E&& e) -> E&&;

template <class O>
concept has_member_co_await = requires(O&& o) {
  static_cast<O&&>(o).operator co_await();
};
template <class O>
concept has_free_co_await = requires(O&& o) {
  operator co_await(static_cast<O&&>(o));
};

template <class O>
requires has_member_co_await<O>
auto awaiter_of(O&& o) -> decltype(static_cast<O&&>(o).operator co_await());
template <class O>
requires(!has_member_co_await<O> && has_free_co_await<O>) auto awaiter_of(O&& o)
    -> decltype(operator co_await(static_cast<O&&>(o)));
template <class O>
requires(!has_member_co_await<O> && !has_free_co_await<O>) auto awaiter_of(O&& o) -> O&&;

// awaiter_t<A, P> — the awaiter `co_await a` uses, for an expression a of type A in a coroutine
// whose promise is P; ill-formed (so the concepts below are false) when step 1 or 2 fails.
template <class A, class P>
using awaiter_t = std::remove_reference_t<decltype(awaiter_of(
    await_operand(std::declval<P&>(), std::declval<A>())))>;
}  // namespace detail

// awaitable<A, M> — `co_await a` compiles, for an expression a of type A, inside a coroutine of
// the stackless model M (one returning M::task<T>), by the steps above: the check is made from
// M's own task type, so each library's awaitables are checked against the frames that will await
// them (Asio's promise refuses any other library's awaiter, and its awaiter any other frame).
// awaitable_of<A, M, T> — and the co_await's value has type T.
template <class A, class M>
concept awaitable = requires(detail::awaiter_t<A, promise_of<M>>& w,
                             std::coroutine_handle<promise_of<M>> h) {
  { w.await_ready() } -> std::convertible_to<bool>;
  w.await_suspend(h);
  w.await_resume();
};
template <class A, class M, class T>
concept awaitable_of = awaitable<A, M> && requires(detail::awaiter_t<A, promise_of<M>>& w) {
  { w.await_resume() } -> std::same_as<T>;
};

namespace detail {
// Representative coroutine functions of a stackless model M, used only to state its concept's
// requirements (declared, never defined).
template <class M>
struct async_probe_fn {
  typename M::template task<void> operator()() const;
};
template <class M>
struct stoppable_async_probe_fn {
  typename M::template task<void> operator()(std::stop_token) const;
};
}  // namespace detail

// stackless_model — what a stackless model offers: the stackful contract with every wait an
// awaitable, in the same words (a push, pop, join or lock means what it means above), except:
//   - M::task<T> is the coroutine type its threads and their callees return; the body given to
//     M::run and every function given to M::spawn return M::task<void>; every wait is awaitable
//     inside an M::task (awaitable<A, M>), which is all a workload does with it, and a workload
//     co_awaits nothing else but M::task values (another library's awaiter may not be awaitable
//     there: Asio's task accepts only Asio's awaitables);
//   - `co_await t.join()` waits for thread t; a handle destroyed unjoined detaches, and M::run
//     still waits for the thread (a destructor cannot co_await);
//   - M::unique_lock (from `co_await mu.scoped_lock()`) is the lock a condition wait takes:
//     std::unique_lock's lock() cannot suspend;
//   - no M::blocking: a stackless thread cannot leave its worker, so a blocking call blocks the
//     worker (the model lacks blocking_syscalls).
template <class M>
concept stackless_model = model_description<M> && is_stackless<M> &&
    requires(const run_options& opts, typename M::thread& t, typename M::mutex& mu,
             typename M::condition_variable& cv, typename M::unique_lock& lock,
             typename M::template channel<int>& ch, std::chrono::nanoseconds d,
             std::stop_token token) {
  M::run(opts, detail::async_probe_fn<M>{});
  { M::spawn(detail::async_probe_fn<M>{}) } -> std::same_as<typename M::thread>;
  { M::spawn(detail::stoppable_async_probe_fn<M>{}) } -> std::same_as<typename M::thread>;
  requires std::movable<typename M::thread>;
  { t.join() } -> awaitable_of<M, void>;
  { t.request_stop() } -> std::same_as<bool>;
  { M::yield() } -> awaitable_of<M, void>;
  { M::sleep_for(d) } -> awaitable<M>;
  { mu.lock() } -> awaitable_of<M, void>;
  { mu.scoped_lock() } -> awaitable_of<M, typename M::unique_lock>;
  mu.unlock();
  { mu.try_lock() } -> std::same_as<bool>;
  { cv.wait(lock) } -> awaitable_of<M, void>;
  { cv.wait(lock, token, detail::probe_predicate{}) } -> awaitable_of<M, bool>;
  cv.notify_one();
  cv.notify_all();
  requires std::constructible_from<typename M::template channel<int>, std::size_t>;
  { ch.push(1) } -> awaitable_of<M, bool>;
  { ch.pop() } -> awaitable_of<M, std::optional<int>>;
  { ch.push(1, token) } -> awaitable_of<M, bool>;
  { ch.pop(token) } -> awaitable_of<M, std::optional<int>>;
  ch.close();
};

// any_model — a model of either kind: what bench/models/all.hpp lists.
template <class M>
concept any_model = model<M> || stackless_model<M>;

// describe_threads_of<M>() — what M's threads are doing, for the dump the harness takes of a hung
// pair (bench/run/hang_dump.hpp): M::describe_threads() for a model that declares it (optional:
// a model whose threads are kernel threads has nothing to add to the kernel's own listing),
// else "". It is called from a kernel thread that is not one of the model's, while the model's
// world runs (and is stuck), and must not wait for the model's threads.
template <class M>
std::string describe_threads_of() {
  if constexpr (requires { M::describe_threads(); }) {
    return M::describe_threads();
  } else {
    return {};
  }
}

// net_deadline — when a blocking socket call gives up (std::errc::timed_out); net_forever: never.
using net_deadline = std::chrono::steady_clock::time_point;
inline constexpr net_deadline net_forever = net_deadline::max();

// net_model — the sockets of a model with capability::net: TCP over the loopback or any
// interface, every blocking call parking the calling thread of the model only. What workloads
// rely on:
//   - M::listener::bind(address, port) listens ("127.0.0.1", port 0: the kernel picks one,
//     local_port() says which); accept(deadline) returns the next connection as an M::stream;
//     close(), from any thread, ends a blocked accept with std::errc::operation_canceled.
//   - M::connect(address, port, deadline) returns a connected M::stream.
//   - stream::read_some(buf, n, deadline) waits for data and returns 1..n bytes, or 0 at end of
//     file (not an error); read_exact(buf, n, deadline) reads n bytes or to end of file and
//     returns how many; write_all(buf, n, deadline) writes every byte; shutdown() ends our
//     writes (the peer reads end of file); close() ends every call on the stream.
//   - Errors are std::system_error with the errno; a deadline that passes is
//     std::errc::timed_out. Handles own their descriptors (closed on destruction: no leaks on
//     any path) and are movable.
template <class M>
concept net_model = model<M> && has(M::capabilities, capability::net) &&
    requires(typename M::listener& l, typename M::stream& s, char* buf, const char* data,
             std::size_t n, net_deadline d) {
  { M::listener::bind(std::string_view{}, std::uint16_t{}) } -> std::same_as<typename M::listener>;
  { l.local_port() } -> std::same_as<std::uint16_t>;
  { l.accept(d) } -> std::same_as<typename M::stream>;
  l.close();
  { M::connect(std::string_view{}, std::uint16_t{}, d) } -> std::same_as<typename M::stream>;
  { s.read_some(buf, n, d) } -> std::same_as<std::size_t>;
  { s.read_exact(buf, n, d) } -> std::same_as<std::size_t>;
  s.write_all(data, n, d);
  s.shutdown();
  s.close();
  requires std::movable<typename M::listener> && std::movable<typename M::stream>;
};

// stackless_net_model — net_model's sockets on a stackless model: the same calls meaning the same
// things (errors, deadlines, end of file, close() from any thread, RAII), except that every call
// that may wait is an awaitable of the value net_model's call returns:
//   `co_await l.accept(d)` an M::stream, `co_await M::connect(address, port, d)` an M::stream,
//   `co_await s.read_some(buf, n, d)` and `co_await s.read_exact(buf, n, d)` a std::size_t,
//   `co_await s.write_all(buf, n, d)` nothing.
// bind, local_port, shutdown and close never wait, and are plain calls.
template <class M>
concept stackless_net_model = stackless_model<M> && has(M::capabilities, capability::net) &&
    requires(typename M::listener& l, typename M::stream& s, char* buf, const char* data,
             std::size_t n, net_deadline d) {
  { M::listener::bind(std::string_view{}, std::uint16_t{}) } -> std::same_as<typename M::listener>;
  { l.local_port() } -> std::same_as<std::uint16_t>;
  { l.accept(d) } -> awaitable_of<M, typename M::stream>;
  l.close();
  { M::connect(std::string_view{}, std::uint16_t{}, d) } -> awaitable_of<M, typename M::stream>;
  { s.read_some(buf, n, d) } -> awaitable_of<M, std::size_t>;
  { s.read_exact(buf, n, d) } -> awaitable_of<M, std::size_t>;
  { s.write_all(data, n, d) } -> awaitable_of<M, void>;
  s.shutdown();
  s.close();
  requires std::movable<typename M::listener> && std::movable<typename M::stream>;
};

}  // namespace threadlab
