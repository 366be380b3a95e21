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
// Sockets: Asio's tcp::acceptor and tcp::socket on the run's io_context (so their waits are
// epoll_wait in Asio's reactor, whose turn comes round in the shared queue), each call a co_await
// of the asynchronous operation (async_accept, async_connect, async_read_some, async_write_some:
// write_all loops on it). Asio's sockets are not thread-safe and the contract lets close() come
// from any kernel thread, so each handle's socket shares its heap state with a mutex, held around
// every start of an operation, around close() and shutdown(): a start then comes wholly before a
// close (which ends it with operation_aborted) or after it (which fails it at once), reported
// either way as operation_canceled. Posting the close to the io_context instead would run it on
// any worker, still beside a start on another, and end the waiting calls only after close()
// returned. The cost with no deadline: that mutex, held for the start alone (a stream's reader and
// writer meet on it only when they start at the same moment), and a shared_ptr copy per
// operation, beside Asio's own. A deadline adds a steady_timer
// and a heap guard per operation: when the timer fires first it cancels that operation alone,
// through a cancellation slot bound to its handler (Asio's per-operation cancellation; a waiting
// write beside the read is untouched), and the result is timed_out; the completion cancels the
// timer (a pending timer would keep run() waiting). Asio's `||` of awaitable_operators was the
// other way: it co_spawns both operations into a parallel_group per call, its cancellation of the
// loser runs on whichever worker completed the winner, unsynchronised with the loser's own
// completion on another worker, and a read that completed as the timer won loses its count.
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
#include <asio/bind_cancellation_slot.hpp>
#include <asio/buffer.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/co_spawn.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/concurrent_channel.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/version.hpp>

#include <atomic>
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
#include <system_error>
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

// ---- sockets (see the file comment, "Sockets") ------------------------------------------------

using tcp = asio::ip::tcp;

// error_for(e) — e as the contract's errors carry it: an errno in std::system_category().
inline std::error_code error_for(std::errc e) noexcept {
  return std::error_code(static_cast<int>(e), std::system_category());
}

// fail(ec, closed, what) — throws the contract's error for a socket call that ended with ec:
// operation_canceled when the handle was closed (whatever Asio reported: operation_aborted for a
// call that was waiting, bad_descriptor for one started after), else ec, whose errno Asio keeps in
// std::system_category().
[[noreturn]] inline void fail(const asio::error_code& ec, bool closed, const char* what) {
  if (closed) {
    throw std::system_error(error_for(std::errc::operation_canceled), "asio_coro::net: closed");
  }
  throw std::system_error(ec, std::string("asio_coro::net: ") + what);
}

// endpoint_of(address, port) — a numeric IPv4 or IPv6 address; EINVAL for anything else.
inline tcp::endpoint endpoint_of(std::string_view address, std::uint16_t port) {
  asio::error_code ec;
  const asio::ip::address parsed = asio::ip::make_address(std::string(address), ec);
  if (ec) {
    throw std::system_error(
        error_for(std::errc::invalid_argument),
        "asio_coro::net: not a numeric IPv4 or IPv6 address: '" + std::string(address) + "'");
  }
  return tcp::endpoint(parsed, port);
}

// io_state<Object> — a socket or an acceptor, with what makes its handle's close() safe from any
// kernel thread. Asio's I/O objects are not thread-safe: close() from another kernel thread than
// the one starting an operation would race with that start (both read and write the object's
// descriptor and reactor registration). So `m` is held around every start of an operation on
// `object`, around close() and shutdown(), and around a deadline's cancellation; never across a
// suspension, and never while a completion runs (Asio posts every completion, even one that is
// ready when the operation starts). A close() therefore comes wholly before or after a start:
// before, the operation fails at once (bad_descriptor, reported as operation_canceled); after, it
// is among those Asio's close() ends with operation_aborted.
//
// Owned jointly (shared_ptr) by the handle and each operation's start: the start still releases
// m after its operation is queued, when the completion may already have resumed the coroutine on
// another worker, which may destroy the handle. The state never moves (Asio's per-operation
// cancellation keeps pointers into the object), so handles move by moving the pointer.
template <class Object>
struct io_state {
  explicit io_state(Object o) : object(std::move(o)) {}
  // close() — the handles' close(), from any thread: under m, so it comes wholly before or after
  // any start; every waiting operation ends (operation_aborted), and every later one fails.
  void close() noexcept {
    const std::lock_guard lock(m);
    closed.store(true);
    asio::error_code ignored;
    object.close(ignored);
  }
  std::mutex m;
  Object object;                    // under m
  std::atomic<bool> closed{false};  // written under m by close(); read after a failure
};

// deadline_guard — one operation's deadline: a steady_timer that, when it fires first, cancels the
// operation through the cancellation slot bound to its completion handler (Asio's per-operation
// cancellation: the reactor removes that operation only, not the others on the same socket, such
// as a write waiting beside a read). The timer's handler runs on any worker, perhaps while the
// operation completes on another, so `m` decides which came first: the completion sets `done`, the
// timer sets `expired` and emits only while !done, that is while the operation (and so its
// io_state, which the operation's coroutine keeps alive) is still there. The emit also holds the
// io_state's mutex: it reads the socket's registration, which close() changes. Lock order: m,
// then io_mutex; a start holds io_mutex alone, before the guard is shared.
//
// Owned jointly (shared_ptr) by the completion handler and the timer's handler; the completion
// cancels the timer, so a finished operation leaves no timer behind (an io_context with a pending
// timer still has work, and run() would wait for it).
struct deadline_guard {
  deadline_guard(const asio::any_io_executor& ex, net_deadline d, std::mutex* io)
      : timer(ex, d), io_mutex(io) {}
  std::mutex m;
  bool done = false;     // under m: the operation's completion has run
  bool expired = false;  // under m: the timer cancelled the operation
  asio::cancellation_signal signal;
  asio::steady_timer timer;  // started by the start, then touched only by the completion
  std::mutex* io_mutex;      // the operation's io_state::m; valid while !done
};

// on_expiry — the timer's handler: cancels the operation unless it has completed.
struct on_expiry {
  std::shared_ptr<deadline_guard> guard;
  void operator()(const asio::error_code& ec) const {
    if (ec) return;  // cancelled by the completion
    const std::lock_guard lock(guard->m);
    if (guard->done) return;
    guard->expired = true;
    const std::lock_guard io_lock(*guard->io_mutex);
    guard->signal.emit(asio::cancellation_type::terminal);
  }
};

// finish_before_deadline<Handler> — wraps an operation's completion handler: marks the operation
// done, cancels the timer, and reports an operation the timer cancelled as timed_out. An operation
// that completed before the cancellation reached it keeps its result (no byte read is lost).
template <class Handler>
struct finish_before_deadline {
  std::shared_ptr<deadline_guard> guard;
  Handler handler;

  template <class... Values>
  void operator()(asio::error_code ec, Values&&... values) {
    bool expired = false;
    {
      const std::lock_guard lock(guard->m);
      guard->done = true;
      expired = guard->expired;
      guard->timer.cancel();
    }
    if (expired && ec == asio::error::operation_aborted) ec = error_for(std::errc::timed_out);
    std::move(handler)(ec, std::forward<Values>(values)...);
  }
};

// async_on(state, d, start) — `co_await`s to the result of start(state->object, handler), an
// Asio asynchronous operation of completion signature Signature, as a tuple (the error code
// first): started under state->m, and cancelled as timed_out when d passes first. With no
// deadline (net_forever) it is the plain operation: no timer, no guard, no allocation.
template <class Signature, class Object, class Start>
auto async_on(const std::shared_ptr<io_state<Object>>& state, net_deadline d, Start start) {
  auto completion = as_tuple_awaitable();
  return asio::async_initiate<decltype(completion), Signature>(
      [](auto handler, std::shared_ptr<io_state<Object>> s, net_deadline deadline, Start begin) {
        const std::lock_guard lock(s->m);  // released before s: s outlives it
        if (deadline == net_forever) {
          begin(s->object, std::move(handler));
          return;
        }
        auto guard = std::make_shared<deadline_guard>(s->object.get_executor(), deadline, &s->m);
        // The timer first: the completion, which cancels it, can then only come after its start.
        guard->timer.async_wait(on_expiry{guard});
        const asio::cancellation_slot slot = guard->signal.slot();
        begin(s->object,
              asio::bind_cancellation_slot(slot, finish_before_deadline<decltype(handler)>{
                                                     std::move(guard), std::move(handler)}));
      },
      completion, state, d, std::move(start));
}

// stream — a connected TCP socket (TCP_NODELAY set), owned: closed when the handle is destroyed.
// Movable; a default or moved-from stream holds nothing. A read and a write may wait at once, from
// two threads; close() may come from any thread.
class stream {
 public:
  stream() noexcept = default;
  // stream(socket) — takes a connected socket.
  explicit stream(tcp::socket socket)
      : state_(std::make_shared<io_state<tcp::socket>>(std::move(socket))) {
    asio::error_code ignored;
    state_->object.set_option(tcp::no_delay(true), ignored);
  }

  // read_some(buf, n, d) — `co_await s.read_some(buf, n, d)`: 1..n bytes once some are there; 0
  // at end of file.
  asio::awaitable<std::size_t> read_some(void* buf, std::size_t n, net_deadline d = net_forever) {
    assert(state_ && "asio_coro::stream::read_some: no socket");
    const std::tuple<asio::error_code, std::size_t> got =
        co_await async_on<void(asio::error_code, std::size_t)>(
            state_, d, [buf, n](tcp::socket& s, auto handler) {
              s.async_read_some(asio::buffer(buf, n), std::move(handler));
            });
    const asio::error_code& ec = std::get<0>(got);
    if (ec == asio::error::eof) co_return 0;
    if (ec) fail(ec, state_->closed.load(), "read");
    co_return std::get<1>(got);
  }

  // read_exact(buf, n, d) — `co_await s.read_exact(buf, n, d)`: read_some until n bytes or end
  // of file; how many were read. d is for the whole call.
  asio::awaitable<std::size_t> read_exact(void* buf, std::size_t n, net_deadline d = net_forever) {
    std::size_t done = 0;
    while (done < n) {
      const std::size_t got = co_await read_some(static_cast<char*>(buf) + done, n - done, d);
      if (got == 0) break;
      done += got;
    }
    co_return done;
  }

  // write_all(buf, n, d) — `co_await s.write_all(buf, n, d)`: every byte written. One
  // async_write_some per partial write, each started under the state's mutex (asio::async_write
  // would start its later writes from its completions, outside it).
  asio::awaitable<void> write_all(const void* buf, std::size_t n, net_deadline d = net_forever) {
    assert(state_ && "asio_coro::stream::write_all: no socket");
    std::size_t done = 0;
    while (done < n) {
      const char* from = static_cast<const char*>(buf) + done;
      const std::size_t left = n - done;
      const std::tuple<asio::error_code, std::size_t> sent =
          co_await async_on<void(asio::error_code, std::size_t)>(
              state_, d, [from, left](tcp::socket& s, auto handler) {
                s.async_write_some(asio::buffer(from, left), std::move(handler));
              });
      const asio::error_code& ec = std::get<0>(sent);
      if (ec) fail(ec, state_->closed.load(), "write");
      done += std::get<1>(sent);
    }
  }

  // shutdown() — no more writes: the peer reads end of file after what was sent.
  void shutdown() {
    assert(state_ && "asio_coro::stream::shutdown: no socket");
    const std::lock_guard lock(state_->m);
    asio::error_code ec;
    state_->object.shutdown(tcp::socket::shutdown_send, ec);
    if (ec && ec != asio::error::not_connected) fail(ec, state_->closed.load(), "shutdown");
  }

  // close() — from any thread: every call waiting on the stream ends with operation_canceled,
  // and so does every later one. The descriptor is closed here.
  void close() noexcept {
    if (state_) state_->close();
  }

 private:
  friend struct asio_coro_net;
  explicit stream(std::shared_ptr<io_state<tcp::socket>> state) noexcept
      : state_(std::move(state)) {}

  std::shared_ptr<io_state<tcp::socket>> state_;
};

// listener — a listening TCP socket (SO_REUSEADDR, backlog 4096), owned: closed when the handle
// is destroyed. Movable; a default or moved-from listener holds nothing.
class listener {
 public:
  listener() noexcept = default;

  // bind(address, port) — listen on a numeric address ("127.0.0.1"; port 0: the kernel picks
  // one). Throws std::system_error (EADDRINUSE, EACCES, EINVAL for a bad address). Precondition:
  // inside asio_coro::run.
  static listener bind(std::string_view address, std::uint16_t port) {
    const tcp::endpoint at = endpoint_of(address, port);
    tcp::acceptor acceptor(current_context().get_executor());
    asio::error_code ec;
    acceptor.open(at.protocol(), ec);
    if (ec) fail(ec, false, "socket");
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) fail(ec, false, "setsockopt");
    acceptor.bind(at, ec);
    if (ec) fail(ec, false, "bind");
    acceptor.listen(4096, ec);
    if (ec) fail(ec, false, "listen");
    listener l;
    l.state_ = std::make_shared<io_state<tcp::acceptor>>(std::move(acceptor));
    return l;
  }

  // local_port() — the port listened on (the kernel's pick after bind(address, 0)).
  std::uint16_t local_port() const {
    assert(state_ && "asio_coro::listener::local_port: no socket");
    const std::lock_guard lock(state_->m);
    asio::error_code ec;
    const tcp::endpoint at = state_->object.local_endpoint(ec);
    if (ec) fail(ec, state_->closed.load(), "getsockname");
    return at.port();
  }

  // accept(d) — `co_await l.accept(d)`: the next connection. Throws as stream::read_some
  // (operation_canceled after close(), timed_out at d, EMFILE...).
  asio::awaitable<stream> accept(net_deadline d = net_forever) {
    assert(state_ && "asio_coro::listener::accept: no socket");
    std::tuple<asio::error_code, tcp::socket> got =
        co_await async_on<void(asio::error_code, tcp::socket)>(
            state_, d, [](tcp::acceptor& a, auto handler) { a.async_accept(std::move(handler)); });
    const asio::error_code& ec = std::get<0>(got);
    if (ec) fail(ec, state_->closed.load(), "accept");
    co_return stream(std::move(std::get<1>(got)));
  }

  // close() — from any thread: a waiting accept ends with operation_canceled, and so does every
  // later one. The descriptor is closed here.
  void close() noexcept {
    if (state_) state_->close();
  }

 private:
  std::shared_ptr<io_state<tcp::acceptor>> state_;
};

// asio_coro_net — connect's implementation, a friend of stream.
struct asio_coro_net {
  // connect(to, d) — the coroutine of asio_coro::connect, given the parsed address (a coroutine
  // starts when awaited, by when a string_view parameter could be gone).
  static asio::awaitable<stream> connect(tcp::endpoint to, net_deadline d) {
    auto state =
        std::make_shared<io_state<tcp::socket>>(tcp::socket(current_context().get_executor()));
    const std::tuple<asio::error_code> done = co_await async_on<void(asio::error_code)>(
        state, d, [to](tcp::socket& s, auto handler) { s.async_connect(to, std::move(handler)); });
    const asio::error_code& ec = std::get<0>(done);
    if (ec) fail(ec, false, "connect");
    {
      const std::lock_guard lock(state->m);  // the start may not have released it yet
      asio::error_code ignored;
      state->object.set_option(tcp::no_delay(true), ignored);
    }
    co_return stream(std::move(state));
  }
};

}  // namespace detail::asio_coro_impl

// asio_coro — M:N stackless threads on Asio: cheap (a parked thread is its frames and its join
// channel), on every core, waiting only where the code says co_await. A blocking system call holds
// its worker, so no blocking_syscalls; its sockets are Asio's, their waits co_awaits (net).
struct asio_coro {
  static constexpr bool stackless = true;
  static constexpr std::string_view name = "asio_coro";
  static constexpr std::string_view description =
      "Asio C++20 coroutines: awaitable threads co_spawned onto one io_context run by M kernel "
      "threads (one shared queue)";
  static constexpr capability capabilities = capability::multicore | capability::waits_on_threads |
                                             capability::nested_joins | capability::many_threads |
                                             capability::net;
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
  using listener = detail::asio_coro_impl::listener;
  using stream = detail::asio_coro_impl::stream;

  // version() — "1.22.1", from ASIO_VERSION (major * 100000 + minor * 100 + patch).
  static std::string version() {
    return std::to_string(ASIO_VERSION / 100000) + "." + std::to_string(ASIO_VERSION / 100 % 1000) +
           "." + std::to_string(ASIO_VERSION % 100);
  }

  static std::string configuration(const run_options& opts) {
    return std::to_string(threadlab::resolved_workers(opts)) +
           " kernel threads running one asio::io_context (one mutex-guarded queue shared by all, "
           "no work stealing); threads co_spawned asio::awaitable frames; primitives on "
           "asio::experimental::concurrent_channel; sockets Asio's tcp on its epoll reactor; "
           "Asio " +
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

  // connect(address, port, d) — `co_await asio_coro::connect(address, port, d)`: a stream
  // connected to a numeric address (EINVAL, thrown here, for anything else), established before d.
  // Throws std::system_error: ECONNREFUSED, timed_out at d. Precondition: inside run().
  static asio::awaitable<stream> connect(std::string_view address, std::uint16_t port,
                                         net_deadline d = net_forever) {
    return detail::asio_coro_impl::asio_coro_net::connect(
        detail::asio_coro_impl::endpoint_of(address, port), d);
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
static_assert(threadlab::stackless_net_model<asio_coro>);

}  // namespace threadlab::models
