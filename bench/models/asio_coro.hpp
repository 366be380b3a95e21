// bench/models/asio_coro.hpp — the peer "Asio C++20 coroutines": threads of the model are
// asio::awaitable coroutines of standalone Asio (1.22 on Debian 12, no Boost), the most used
// C++20 coroutine runtime, adapted to the stackless model contract (bench/model.hpp,
// stackless_model). It is what our own stackless runtime (`coroutines`) is measured against:
// the same workloads' coroutine forms, the same contract, Asio's scheduler and frames.
//
// A thread is a co_spawned asio::awaitable<void>: what Asio calls a thread of execution, a stack
// of awaitable frames (one per coroutine called, each from the heap through Asio's small
// per-kernel-thread recycling cache) that Asio resumes from completion handlers. spawn posts a
// handler that co_spawns the thread, so it starts on whichever worker takes that handler: co_spawn
// called directly runs the new thread at once, on the spawning kernel thread, up to its first
// suspension (its first step is a dispatch, which runs inline inside the io_context), so a thread
// that never suspends (parallel_compute's chunks) would run to its end inside spawn and never
// beside its spawner, which the contract's multicore rules out; the post costs one queue round
// trip per spawn. When a thread ends, its completion handler reports it (run inline, or posted if
// the thread never suspended). Every wait is a co_await of an Asio asynchronous operation: the
// frame suspends, the operation's handler is queued when it completes, and a worker that runs the
// handler resumes the frame.
//
// The queue: one asio::io_context, run by opts.workers kernel threads (the caller of run among
// them), told how many (its concurrency hint). Its scheduler has ONE handler queue, guarded by one
// mutex and shared by every worker: no per-worker queues, no work stealing, no LIFO slot. A
// handler posted while a handler runs goes first to that worker's private list when the
// io_context runs on one thread, and straight to the shared queue otherwise; a worker with
// nothing to run sleeps on the scheduler's condition variable, or in epoll_wait once a timer has
// started Asio's reactor (its turn then comes round in the queue like a handler's). The contrast
// with `coroutines`: Chase–Lev queues per worker, stealing, a LIFO slot and futex parking.
//
// Every wait on another thread is built on Asio's thread-safe channel,
// asio::experimental::concurrent_channel (a mutex and a list of waiting operations per channel;
// each completion is posted to the io_context, even one that did not wait):
//   - join: each thread has a channel of capacity 1 carrying a std::exception_ptr; its completion
//     handler try_sends the exception (null if none) once; join co_awaits async_receive and
//     rethrows what it got.
//   - yield: asio::post of the resumption to the io_context (to the back of the queue).
//   - sleep_for: an asio::steady_timer's async_wait.
//   - channel<T>: a concurrent_channel<void(error_code, T)> of the capacity asked for; push and
//     pop co_await its async_send and async_receive, as Asio's users write them. Asio 1.22's
//     channel falls short of the contract three ways, so each channel adds a mutex, held around
//     every call on the Asio channel (never across a suspension), and: (1) its close() discards
//     the buffered values and leaves a push blocked on a full channel waiting forever, so it is
//     never called: close() sets a flag and cancels every waiting operation (a blocked push then
//     returns false, a blocked pop looks again), and pops drain the buffer with try_receive; (2) it
//     can end one waiting operation only through a cancellation slot, which must not be triggered
//     from another kernel thread, where stop requests come from, so a stop cancels every waiting
//     operation of the channel and the others try again (a push keeps its value to send a copy: T
//     must be copyable; Asio gives a cancelled pop a default T: T must be default-constructible);
//     (3) its cancel() turns a buffered channel whose waiters were pops into an unbuffered one
//     until a pop waits again, so a cancellation is followed by a repair.
//   - mutex: a value-less channel (`signal` below) of capacity 1, the lock being the one slot:
//     try_lock = try_send, lock = try_send or else co_await async_send (a waiter queues as a
//     sender), unlock = try_receive, which moves the oldest waiting sender into the slot (a FIFO
//     hand-off, completed through the queue). The uncontended path never suspends.
//   - condition_variable: a value-less channel of capacity 0 whose waiting receivers are the
//     waiters (unbuffered, so cancel() leaves nothing to repair): wait = async_receive, then unlock
//     (so a notify after the unlock finds the waiter queued), then lock; notify_one = try_send
//     (completes the oldest waiter, or nothing when none waits); notify_all and a stop = cancel()
//     (every waiter).
// Asio offers no mutex or condition variable of its own for coroutines; a strand would serialise
// the code that holds it instead of locking, and would change what the workloads measure.
//
// Lifetimes: the io_context lives in run(); every channel registers with it when made (so the
// contract's rule applies strictly here: primitives are made inside M::run, from its body or its
// threads, and destroyed before run returns). A kernel thread that starts an operation on a
// channel still releases the channel's mutexes (Asio's, and ours) a few instructions after the
// operation is queued, when its completion may already have resumed the coroutine on another
// worker: Asio's own channel has that window too, and only a program that destroys a channel
// while a thread may still be starting an operation on it, wrong on any model, can fall in it.
//
// Not counted and not traced: Asio publishes no scheduler statistics and has no hook where a
// coroutine is queued, resumed or suspended (handler tracking, ASIO_ENABLE_HANDLER_TRACKING, is a
// compile-time debug log), so the report has no scheduler counters for this model and its trace
// records no state changes.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/concurrent_channel.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/version.hpp>

#include <cassert>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench/model.hpp"
#include "bench/trace/tracer.hpp"

namespace threadlab::models {

namespace detail::asio_coro_impl {

// current_context() — the io_context of the run the calling kernel thread works for: set by
// asio_coro::run on each of its workers (the body and every thread run there), null elsewhere.
// spawn and the primitives' constructors read it (they are not coroutines, so cannot co_await
// asio::this_coro::executor).
inline asio::io_context*& current_context_slot() noexcept {
  thread_local asio::io_context* context = nullptr;
  return context;
}
inline asio::io_context& current_context() noexcept {
  assert(current_context_slot() != nullptr &&
         "asio_coro: spawn, yield, sleep_for and the primitives are used inside asio_coro::run");
  return *current_context_slot();
}

// as_tuple_awaitable() — the completion token that makes an operation's result the co_await's
// value, error code included, instead of throwing it (use_awaitable alone throws on an error).
inline auto as_tuple_awaitable() { return asio::experimental::as_tuple(asio::use_awaitable); }

// signal — a concurrent_channel whose messages mean only that they were sent: the mutex and the
// condition variable. They carry an empty `nothing`: Asio 1.22's channel_traits has two partial
// specializations that both match the plain void(asio::error_code), and cannot be instantiated
// with it.
struct nothing {};
using signal = asio::experimental::concurrent_channel<void(asio::error_code, nothing)>;

// join_state — what a thread and its handle share: a channel of capacity 1 that receives one
// message when the thread ends, the exception that escaped it (or null). Owned jointly
// (shared_ptr) by the handle and the thread's completion handler, so either may go first (a
// handle destroyed unjoined detaches).
struct join_state {
  explicit join_state(const asio::any_io_executor& ex) : done(ex, 1) {}
  asio::experimental::concurrent_channel<void(asio::error_code, std::exception_ptr)> done;
};

// on_exit — the thread's co_spawn completion handler: sends the thread's end, with its exception
// (capacity 1 and one message: try_send always succeeds, and never waits). Everything the thread
// did happens-before join's receive returns: the channel's mutex orders the send and the receive.
struct on_exit {
  std::shared_ptr<join_state> state;
  void operator()(std::exception_ptr e) { state->done.try_send(asio::error_code{}, std::move(e)); }
};

// thread — a handle to a co_spawned thread: movable, joined at most once, detached when destroyed
// unjoined (the thread runs on; run waits for it).
class thread {
 public:
  thread() = default;
  thread(std::shared_ptr<join_state> state, std::stop_source stop) noexcept
      : state_(std::move(state)), stop_(std::move(stop)) {}

  // join() — `co_await t.join()`: waits for the thread's end, then rethrows what escaped it.
  // The handle gives its share of the state to the awaitable, so the handle may go at once.
  // Precondition: not yet joined.
  asio::awaitable<void> join() {
    assert(state_ && "asio_coro::thread::join: not joinable");
    return join_on(std::move(state_));
  }

  // request_stop() — triggers the std::stop_token the thread's function received; false when it
  // takes none or a stop was already requested.
  bool request_stop() noexcept { return stop_.request_stop(); }

 private:
  static asio::awaitable<void> join_on(std::shared_ptr<join_state> state) {
    const std::exception_ptr error = co_await state->done.async_receive(asio::use_awaitable);
    if (error) std::rethrow_exception(error);
  }

  std::shared_ptr<join_state> state_;
  std::stop_source stop_{std::nostopstate};
};

class unique_lock;

// mutex — the lock is the one slot of a channel of capacity 1 (see the file comment).
// Non-recursive; unlocked and without waiters when destroyed.
class mutex {
 public:
  mutex() : slot_(current_context().get_executor(), 1) {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  // lock() — `co_await mu.lock()`: take the slot, or queue for it behind earlier waiters.
  asio::awaitable<void> lock() {
    if (try_lock()) co_return;
    co_await slot_.async_send(asio::error_code{}, nothing{}, asio::use_awaitable);
  }
  // scoped_lock() — `co_await mu.scoped_lock()`: lock(), as a unique_lock that owns the mutex.
  asio::awaitable<unique_lock> scoped_lock();
  bool try_lock() { return slot_.try_send(asio::error_code{}, nothing{}); }
  // unlock() — empties the slot; the oldest waiter's send, if any, fills it again and completes:
  // that waiter owns the mutex from here. Precondition: locked by the caller.
  void unlock() {
    slot_.try_receive([](asio::error_code, nothing) {});
  }

 private:
  signal slot_;
};

// unique_lock — owns a locked asio_coro mutex and unlocks it when destroyed: what a condition
// wait takes (std::unique_lock's lock() would call mutex::lock() and drop its awaitable). Movable.
class unique_lock {
 public:
  using mutex_type = asio_coro_impl::mutex;

  unique_lock() noexcept = default;
  unique_lock(mutex_type& m, std::adopt_lock_t) noexcept : mutex_(&m), owns_(true) {}
  unique_lock(unique_lock&& other) noexcept
      : mutex_(std::exchange(other.mutex_, nullptr)), owns_(std::exchange(other.owns_, false)) {}
  unique_lock& operator=(unique_lock&& other) noexcept {
    if (this != &other) {
      if (owns_) mutex_->unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
      owns_ = std::exchange(other.owns_, false);
    }
    return *this;
  }
  ~unique_lock() {
    if (owns_) mutex_->unlock();
  }

  // unlock() — release early. Precondition: owns_lock().
  void unlock() {
    mutex_->unlock();
    owns_ = false;
  }
  // lock() — `co_await lock.lock()`: acquire again. Precondition: !owns_lock(); the lock
  // outlives the co_await.
  asio::awaitable<void> lock() {
    co_await mutex_->lock();
    owns_ = true;
  }
  bool owns_lock() const noexcept { return owns_; }
  mutex_type* mutex() const noexcept { return mutex_; }

 private:
  friend class condition_variable;
  mutex_type* mutex_ = nullptr;
  bool owns_ = false;
};

inline asio::awaitable<unique_lock> mutex::scoped_lock() {
  if (!try_lock()) co_await slot_.async_send(asio::error_code{}, nothing{}, asio::use_awaitable);
  co_return unique_lock(*this, std::adopt_lock);
}

// condition_variable — waiters are the receivers queued on a channel of capacity 0 (see the
// file comment). Spurious wake-ups happen (a stop wakes every waiter), as the contract allows.
class condition_variable {
 public:
  condition_variable() : waiters_(current_context().get_executor(), 0) {}
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // wait(lock) — `co_await cv.wait(lock)`: queue, unlock, wait for a notify, lock again.
  // Precondition: lock owns its mutex; it owns it again when the co_await returns.
  asio::awaitable<void> wait(unique_lock& lock) { return wait_once(lock, std::stop_token{}); }

  // wait(lock, token, pred) — `co_await cv.wait(lock, token, pred)`: waits until pred() holds
  // (true) or a stop is requested on token (pred(), then). The stop callback cancels every
  // waiter: the stopped one returns, the others see a spurious wake-up.
  template <class Predicate>
  asio::awaitable<bool> wait(unique_lock& lock, std::stop_token token, Predicate pred) {
    std::stop_callback wake(token, waker{this});
    while (!pred()) {
      if (token.stop_requested()) co_return false;
      co_await wait_once(lock, token);
    }
    co_return true;
  }

  // notify_one() — completes the oldest queued waiter, if any.
  void notify_one() { waiters_.try_send(asio::error_code{}, nothing{}); }
  // notify_all() — completes every queued waiter (cancel: one step under the channel's mutex,
  // where a loop of try_send could meet a waiter already queued again).
  void notify_all() { waiters_.cancel(); }

 private:
  struct waker {
    condition_variable* self;
    void operator()() noexcept { self->waiters_.cancel(); }
  };

  // wait_once(lock, token) — one wait, woken by a notify or by a stop on token. The initiation
  // queues the receive first, then checks the token (a stop between the caller's check and the
  // queueing would otherwise find no waiter to cancel: the callback's cancel and the queueing
  // take the channel's mutex, so one of the two sees the other), then unlocks. It touches only its
  // parameters after queueing: the coroutine may resume on another worker once a notify comes,
  // but cannot get past re-locking before this unlock.
  asio::awaitable<void> wait_once(unique_lock& lock, std::stop_token token) {
    assert(lock.owns_ && "asio_coro::condition_variable::wait: the lock must own its mutex");
    mutex* m = lock.mutex_;
    lock.owns_ = false;
    auto completion = as_tuple_awaitable();
    co_await asio::async_initiate<decltype(completion), void(asio::error_code, nothing)>(
        [](auto handler, condition_variable* self, mutex* held, std::stop_token t) {
          self->waiters_.async_receive(std::move(handler));
          if (t.stop_requested()) self->waiters_.cancel();
          held->unlock();
        },
        completion, this, m, std::move(token));
    co_await m->lock();
    lock.owns_ = true;
  }

  signal waiters_;
};

// channel<T> — a bounded MPMC FIFO with the contract's close and stop semantics, over an Asio
// concurrent_channel of the capacity asked for (see the file comment for what Asio 1.22's channel
// gets wrong and what is added here).
//
// m_ is held around every call on ch_ (each push's and pop's start, close, a stop's wake-up):
// never across a suspension, and never while a completion runs (Asio posts every completion).
// So the channel's state only changes under m_, and close and the repair after a cancellation
// are single steps to every push and pop. Lock order: m_, then ch_'s own mutex.
template <class T>
class channel {
  static_assert(std::copy_constructible<T> && std::default_initializable<T>,
                "asio_coro::channel<T>: a push keeps its value to try again after a "
                "cancellation it did not ask for, and Asio gives a cancelled pop a default T");

 public:
  // channel(capacity) — precondition: capacity >= 1, inside asio_coro::run.
  explicit channel(std::size_t capacity) : ch_(current_context().get_executor(), capacity) {
    assert(capacity >= 1 && "asio_coro::channel: capacity must be at least 1");
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // push(v) / push(v, token) — `co_await ch.push(v)`: true once v is in the channel; false, v
  // dropped, when the channel is closed, or a stop is requested on token, before it got in.
  asio::awaitable<bool> push(T value, std::stop_token token = {}) {
    const std::stop_callback wake(token, waker{this});
    for (;;) {
      const std::tuple<asio::error_code> sent = co_await send_once(value, token);
      const asio::error_code ec = std::get<0>(sent);
      if (!ec) co_return true;
      if (ec == refused) co_return false;
      // channel_cancelled: a stop (ours is refused on the next try, another waiter's means try
      // again) or a close (refused on the next try).
    }
  }

  // pop() / pop(token) — `co_await ch.pop()`: the oldest value; once closed, what is left, then
  // std::nullopt; std::nullopt when a stop is requested on token first.
  asio::awaitable<std::optional<T>> pop(std::stop_token token = {}) {
    const std::stop_callback wake(token, waker{this});
    for (;;) {
      std::tuple<asio::error_code, T> got = co_await receive_once(token);
      const asio::error_code ec = std::get<0>(got);
      if (!ec) co_return std::optional<T>(std::move(std::get<1>(got)));
      if (ec == refused) co_return std::nullopt;
      // channel_cancelled or channel_closed: the next try says what to do.
    }
  }

  // close() — every push after it returns false; every waiting push and pop wakes (cancel(): a
  // push then finds the channel closed and returns false, its value dropped; a pop looks again);
  // pops drain what was pushed, then return std::nullopt. Asio's close() is not called: it would
  // drop the buffered values and leave a push blocked on a full channel waiting forever. The
  // buffer stays in ch_, where pops take it with try_receive (receive_once), never waiting.
  void close() {
    const std::lock_guard lock(m_);
    closed_ = true;
    ch_.cancel();
  }

 private:
  // refused — how a start that found the channel closed, or its token stopped, completes.
  static constexpr asio::error::basic_errors refused = asio::error::operation_aborted;

  // waker — a stop request on a waiting push's or pop's token. Asio can end one waiting operation
  // only through a cancellation slot, which must not be used from another kernel thread while
  // the operation may be completing (it can then cancel a newer operation at the same address),
  // so every waiting operation is cancelled: the stopped one is refused on its next try, the
  // others try again (a push with its copy of the value). Then the repair: Asio 1.22's cancel()
  // leaves a buffered channel whose waiters were pops unbuffered (a push then waits for a pop
  // even with room), until a pop waits and a push completes it; so when the buffer is empty (no
  // push waits, the waiters were pops if any), a receive that does nothing and a try_send of a
  // default value that completes it make the channel buffered again. Under m_, no other push or
  // pop can come between them.
  struct waker {
    channel* self;
    void operator()() noexcept {
      const std::lock_guard lock(self->m_);
      self->ch_.cancel();
      if (!self->closed_ && !self->ch_.ready()) {
        self->ch_.async_receive([](asio::error_code, T) {});
        self->ch_.try_send(asio::error_code{}, T{});
      }
    }
  };

  // send_once / receive_once — one try, started by an initiation that runs once the coroutine
  // has suspended: under m_, refuse (closed, or stopped: the completion is posted like any
  // other) or start Asio's async_send / async_receive. After the start the coroutine may resume
  // on another worker at once, so the initiation uses only its parameters. The stop test under
  // m_ leaves no gap: a stop requested after it runs its waker after this start, and the waker's
  // cancel, under m_ too, finds this operation.
  asio::awaitable<std::tuple<asio::error_code>> send_once(const T& value,
                                                          const std::stop_token& token) {
    auto completion = as_tuple_awaitable();
    return asio::async_initiate<decltype(completion), void(asio::error_code)>(
        [](auto handler, channel* self, T v, std::stop_token t) {
          const std::lock_guard lock(self->m_);
          if (self->closed_ || t.stop_requested()) {
            asio::post(self->ch_.get_executor(), [h = std::move(handler)]() mutable {
              std::move(h)(asio::error_code(refused));
            });
            return;
          }
          self->ch_.async_send(asio::error_code{}, std::move(v), std::move(handler));
        },
        completion, this, value, token);
  }
  asio::awaitable<std::tuple<asio::error_code, T>> receive_once(const std::stop_token& token) {
    auto completion = as_tuple_awaitable();
    return asio::async_initiate<decltype(completion), void(asio::error_code, T)>(
        [](auto handler, channel* self, std::stop_token t) {
          const std::lock_guard lock(self->m_);
          if (t.stop_requested() || self->closed_) {
            // Closed: the oldest value left, if any (try_receive never waits); else refused.
            std::optional<T> left;
            if (self->closed_) {
              self->ch_.try_receive([&left](asio::error_code, T v) { left.emplace(std::move(v)); });
            }
            asio::post(self->ch_.get_executor(),
                       [h = std::move(handler), left = std::move(left)]() mutable {
                         if (left) {
                           std::move(h)(asio::error_code{}, std::move(*left));
                         } else {
                           std::move(h)(asio::error_code(refused), T{});
                         }
                       });
            return;
          }
          self->ch_.async_receive(std::move(handler));
        },
        completion, this, token);
  }

  std::mutex m_;
  asio::experimental::concurrent_channel<void(asio::error_code, T)> ch_;
  bool closed_ = false;  // under m_
};

}  // namespace detail::asio_coro_impl

// asio_coro — M:N stackless threads on Asio: cheap (a parked thread is its frames and its join
// channel), on every core, waiting only where the code says co_await. A blocking system call holds
// its worker, so no blocking_syscalls; no sockets here, so no net.
struct asio_coro {
  static constexpr bool stackless = true;
  static constexpr std::string_view name = "asio_coro";
  static constexpr std::string_view description =
      "Asio C++20 coroutines: awaitable threads co_spawned onto one io_context run by M kernel "
      "threads (one shared queue)";
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads;
  // thread_limit — as coroutines': skynet's full tree (1,111,111 threads) fits. Here the whole
  // tree is alive at once (the shared queue is FIFO, so the tree runs breadth-first: every node is
  // spawned before the first leaves' ends reach their parents), at about 1.1 KiB a thread: its
  // queued start (the posted handler holding fn), its frames once started, its shared state and
  // join channel, whose buffer is a std::deque (Asio's default channel container) that allocates
  // a 512-byte block when made, even for one message. skynet's full tree peaked at 1.2 GiB of RSS
  // on the 2-core development machine; 2,000,000 threads would take about 2.2 GiB.
  static constexpr std::uint64_t thread_limit = 2'000'000;

  template <class T = void>
  using task = asio::awaitable<T>;
  using thread = detail::asio_coro_impl::thread;
  using mutex = detail::asio_coro_impl::mutex;
  using unique_lock = detail::asio_coro_impl::unique_lock;
  using condition_variable = detail::asio_coro_impl::condition_variable;
  template <class T>
  using channel = detail::asio_coro_impl::channel<T>;

  // version() — "1.22.1", from ASIO_VERSION (major * 100000 + minor * 100 + patch).
  static std::string version() {
    return std::to_string(ASIO_VERSION / 100000) + "." + std::to_string(ASIO_VERSION / 100 % 1000) +
           "." + std::to_string(ASIO_VERSION % 100);
  }

  static std::string configuration(const run_options& opts) {
    return std::to_string(threadlab::resolved_workers(opts)) +
           " kernel threads running one asio::io_context (one mutex-guarded queue shared by all, "
           "no work stealing); threads co_spawned asio::awaitable frames; primitives on "
           "asio::experimental::concurrent_channel; Asio " +
           version() + "; stack_size ignored (no stacks)";
  }

  // run(opts, body) — one io_context, run by opts.workers kernel threads (0: one per core): the
  // caller and workers - 1 more. body is co_spawned first; io_context::run returns on every worker
  // once no work is left, that is once every thread, joined or detached, has ended. Then the
  // body's exception, if any, is rethrown.
  template <class Body>
  static void run(const run_options& opts, Body&& body) {
    if (opts.trace != nullptr) {
      opts.trace->set_provenance(
          "asio_coro: no state changes recorded (Asio has no hook where a coroutine is queued, "
          "resumed or suspended)");
    }
    const unsigned workers = threadlab::resolved_workers(opts);
    asio::io_context context(static_cast<int>(workers));
    std::exception_ptr body_error;  // written by the body's completion handler, read after joins
    asio::co_spawn(context, std::forward<Body>(body),
                   [&body_error](std::exception_ptr e) { body_error = std::move(e); });

    // An exception escaping io_context::run (a handler of ours that throws: none should) stops
    // the run on every worker and is rethrown here, rather than ending the process.
    std::mutex failure_mutex;
    std::exception_ptr failure;  // under failure_mutex
    auto work = [&context, &failure_mutex, &failure] {
      asio::io_context*& slot = detail::asio_coro_impl::current_context_slot();
      asio::io_context* const outer = std::exchange(slot, &context);
      try {
        context.run();
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        context.stop();
      }
      slot = outer;
    };
    std::vector<std::thread> others;
    others.reserve(workers - 1);
    try {
      for (unsigned i = 1; i < workers; ++i) others.emplace_back(work);
    } catch (...) {
      context.stop();
      for (std::thread& t : others) t.join();
      throw;
    }
    work();
    for (std::thread& t : others) t.join();
    if (failure) std::rethrow_exception(failure);
    if (body_error) std::rethrow_exception(body_error);
  }

  // spawn(fn) — a thread running fn() (or fn(token)), started by a posted co_spawn (see the file
  // comment), fn kept in the thread's first frame for the thread's life (a lambda coroutine's
  // captures live in the lambda, not in its frame). Precondition: inside run().
  template <class Fn>
  static thread spawn(Fn&& fn) {
    asio::io_context& context = detail::asio_coro_impl::current_context();
    auto state = std::make_shared<detail::asio_coro_impl::join_state>(context.get_executor());
    if constexpr (std::is_invocable_v<std::decay_t<Fn>&, std::stop_token>) {
      std::stop_source stop;
      start(
          context,
          [fn = std::forward<Fn>(fn), token = stop.get_token()]() mutable { return fn(token); },
          state);
      return thread(std::move(state), std::move(stop));
    } else {
      start(context, std::forward<Fn>(fn), state);
      return thread(std::move(state), std::stop_source(std::nostopstate));
    }
  }

  // yield() — `co_await asio_coro::yield()`: the resumption posted to the back of the queue.
  static asio::awaitable<void> yield() {
    return asio::post(detail::asio_coro_impl::current_context().get_executor(),
                      asio::use_awaitable);
  }

  // sleep_for(d) — `co_await asio_coro::sleep_for(d)`: a steady_timer's wait, at least d.
  template <class Rep, class Period>
  static asio::awaitable<void> sleep_for(std::chrono::duration<Rep, Period> d) {
    asio::steady_timer timer(detail::asio_coro_impl::current_context().get_executor(),
                             std::chrono::ceil<asio::steady_timer::duration>(d));
    co_await timer.async_wait(asio::use_awaitable);
  }

 private:
  // start(context, fn, state) — posts the co_spawn of fn, whose end on_exit reports to state.
  template <class F>
  static void start(asio::io_context& context, F&& fn,
                    std::shared_ptr<detail::asio_coro_impl::join_state> state) {
    asio::post(context, [&context, fn = std::forward<F>(fn), state = std::move(state)]() mutable {
      asio::co_spawn(context, std::move(fn), detail::asio_coro_impl::on_exit{std::move(state)});
    });
  }
};

static_assert(threadlab::stackless_model<asio_coro>);

}  // namespace threadlab::models
