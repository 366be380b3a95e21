// bench/workloads/memory.hpp — what a parked thread costs in memory, and how many fit.
//
// What it shows: the memory price of a thread that exists but waits — the case of a server
// holding one thread per idle connection. A kernel thread keeps a kernel task and a stack
// mapping (8 MiB reserved, a few pages touched); a fiber keeps a small stack of which only the
// pages it touched are resident.
//
// How: the body spawns `size` threads (default 100,000; a model whose thread_limit is lower
// runs thread_limit - 1, the body being one of its threads, and is marked scaled; an explicit
// --size is run as asked). Each thread
// locks a model mutex, counts itself parked, and waits on a model condition variable until the
// body releases them all. The body waits until every spawned thread is parked, reads
// /proc/self/statm, releases them, and joins them all.
//
// Coroutine form (run_async): the same threads, each `co_await`ing the mutex and then the
// condition variable. A parked thread is then no stack at all: its coroutine frame (with the
// awaiter it is suspended in) and the runtime's record of it, which is what the figures measure.
//
// When a limit stops spawning at the default size — the kernel refuses a thread
// (kernel_threads::creation_error, a std::system_error), or memory or address space runs out
// (std::bad_alloc, e.g. an mmap for a stack failing) — the threads spawned so far are still
// measured, released and joined: the result is the largest N reached, with the limit named in
// the note (bench/run/exhaustion.hpp's diagnosis) and the result marked scaled. It is not an
// error, since hitting the ceiling is what a default run looks for. With a size given
// explicitly (`--size`), it is: that size cannot run here, and the diagnosis is the error.
//
// Measured: resident and virtual pages from /proc/self/statm, once before the first spawn (with
// the model running and the handles' storage reserved) and once with all N parked. So:
//   rss_bytes_per_thread       (resident after - resident before) * page size / N: the pages
//                              each parked thread made resident — its stack pages touched, its
//                              control block, its handle. User space only: the kernel memory of
//                              a kernel task (task_struct, a 16 KiB kernel stack) is not in RSS.
//                              Free heap pages are given back to the kernel before the first
//                              reading (support::pages_before_growth), so a frame or control
//                              block allocated where an earlier repetition freed one still
//                              counts; glibc's cache of freed thread stacks is not given back,
//                              so a kernel thread reusing one is not counted.
//   reserved_bytes_per_thread  the same for VmSize: address space reserved per thread, resident
//                              or not (a kernel thread's whole stack mapping; a fiber pool's
//                              share of its slabs). Guard pages are in it and cost nothing else
//                              here: a fiber model's guard (green, boost_fiber_ws, hybrid) is
//                              one page of its stack's own size, PROT_NONE, so never resident;
//                              the two kernel VMAs it splits its slab into are kernel memory,
//                              counted in neither figure. Past a budget of about 24,000 guarded
//                              stacks (vm.max_map_count) the rest are carved without one, as
//                              sched_unguarded_stacks counts on green and boost_fiber_ws.
//   threads_reached            N, the threads parked at once (higher is better).
// Nothing here is timed: the figures are sizes, not durations.
// Checked: every spawned thread parked (the body waits for all of them, and gives up with an
// error if none makes progress for park_timeout), and after the release each one woke exactly
// once (counted under the mutex, compared after the joins).
#pragma once

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <fstream>
#include <limits>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "async_thread_group.hpp"
#include "bench/model.hpp"
#include "bench/workload.hpp"
#include "support.hpp"

namespace threadlab::workloads {

struct memory {
  static constexpr std::string_view name = "memory";
  static constexpr std::string_view description =
      "N threads parked at once on a condition variable: RSS and reserved bytes per thread, "
      "most threads reached";
  static constexpr capability requires_caps = capability::waits_on_threads;
  // default_size — 100,000 threads: enough that per-thread costs dwarf the runtime's fixed
  // ones, few enough for a fiber model to fit in about 1 GiB on the development machine.
  static constexpr std::uint64_t default_size = 100'000;
  // smoke_size / trace_size — the test suite's size and `threadlab trace`'s (parked threads).
  static constexpr std::uint64_t smoke_size = 1'000;
  static constexpr std::uint64_t trace_size = 1'000;
  // threads_at(size) — threads alive at once: the parked threads and the body.
  static constexpr std::uint64_t threads_at(std::uint64_t size) { return size + 1; }
  // park_timeout — how long the body waits without a single thread newly parking before it
  // decides that a thread will never park (a model that lost one) and reports an error. Parking
  // is a lock and a wait: seconds without progress mean something is broken, not slow.
  static constexpr std::chrono::milliseconds park_timeout{2'000};
  // poll_interval — how often the body looks at the parked count while it waits for it.
  static constexpr std::chrono::microseconds poll_interval{200};

  // run<M>(opts, size) — parks up to `size` threads at once. Precondition: size >= 1.
  template <model M>
  static sample run(const run_options& opts, std::uint64_t size) {
    const std::uint64_t wanted = wanted_for<M>(opts, size);
    outcome out;

    M::run(opts, [&] {
      lot<M> state;
      support::thread_group<M> group(wanted);
      // Declared after the group: on every path out, the threads are released before the
      // group's destructor joins them.
      support::at_exit release([&] {
        {
          std::unique_lock lock(state.mu);
          state.released = true;
        }
        state.released_cv.notify_all();
      });

      out.before = support::pages_before_growth();
      for (std::uint64_t i = 0; i < wanted; ++i) {
        try {
          group.spawn([lot = &state] {
            std::unique_lock lock(lot->mu);
            ++lot->parked;
            while (!lot->released) lot->released_cv.wait(lock);
            ++lot->woke;
          });
        } catch (const resource_exhausted& e) {
          if (opts.size_given) throw;  // the size asked for cannot run here: an error
          out.stopped_by = e.what();
          break;
        }
      }
      out.reached = group.size();

      // Wait until every thread is parked, polling: a condition variable would wait forever
      // on a thread that never parks, and this wait is not timed.
      progress watch;
      for (;;) {
        std::uint64_t now_parked;
        {
          std::unique_lock lock(state.mu);
          now_parked = state.parked;
        }
        if (watch.done(now_parked, out)) break;
        M::sleep_for(poll_interval);
      }
      if (!out.stuck) out.parked_pages = support::read_process_pages();

      release.run_now();
      group.join_all();
      out.woke = state.woke;
    });
    return report<M>(size, wanted, out);
  }

  // run_async<M>(opts, size) — run's coroutine form: each thread `co_await`s the mutex and the
  // condition variable; the body polls with `co_await M::sleep_for`. What a parked thread costs
  // here is its frames (the thread's coroutine, with the awaiter it is suspended in) and the
  // runtime's bookkeeping for it.
  template <stackless_model M>
  static sample run_async(const run_options& opts, std::uint64_t size) {
    using task = typename M::template task<void>;
    const std::uint64_t wanted = wanted_for<M>(opts, size);
    outcome out;

    M::run(opts, [&]() -> task {
      lot<M> state;
      support::async_thread_group<M> group(wanted);
      // A destructor cannot co_await, so no at_exit here: an exception is held until the
      // threads are released and joined, then rethrown.
      std::exception_ptr error;
      try {
        out.before = support::pages_before_growth();
        for (std::uint64_t i = 0; i < wanted; ++i) {
          try {
            group.spawn([lot = &state]() -> task {
              typename M::unique_lock lock = co_await lot->mu.scoped_lock();
              ++lot->parked;
              while (!lot->released) co_await lot->released_cv.wait(lock);
              ++lot->woke;
            });
          } catch (const resource_exhausted& e) {
            if (opts.size_given) throw;  // the size asked for cannot run here: an error
            out.stopped_by = e.what();
            break;
          }
        }
        out.reached = group.size();

        progress watch;
        for (;;) {
          std::uint64_t now_parked;
          {
            typename M::unique_lock lock = co_await state.mu.scoped_lock();
            now_parked = state.parked;
          }
          if (watch.done(now_parked, out)) break;
          co_await M::sleep_for(poll_interval);
        }
        if (!out.stuck) out.parked_pages = support::read_process_pages();
      } catch (...) {
        error = std::current_exception();
      }
      {
        typename M::unique_lock lock = co_await state.mu.scoped_lock();
        state.released = true;
      }
      state.released_cv.notify_all();
      co_await group.join_all();
      out.woke = state.woke;
      if (error) std::rethrow_exception(error);
    });
    return report<M>(size, wanted, out);
  }

 private:
  // lot<M> — what the parked threads share. A thread captures a pointer to it, so that the
  // function each thread keeps alive is one word (part of what a parked thread costs).
  template <class M>
  struct lot {
    typename M::mutex mu;
    typename M::condition_variable released_cv;
    std::uint64_t parked = 0;  // under mu
    bool released = false;     // under mu
    std::uint64_t woke = 0;    // under mu
  };

  // outcome — what one run of either form saw, for report().
  struct outcome {
    support::process_pages before;        // before the first spawn
    support::process_pages parked_pages;  // with every thread parked (unless stuck)
    std::uint64_t reached = 0;            // threads spawned
    std::uint64_t woke = 0;               // threads that woke after the release
    std::string stopped_by;          // what stopped spawning before `wanted`; empty if nothing did
    bool stuck = false;              // some thread never parked (park_timeout)
    std::uint64_t stuck_parked = 0;  // how many had, then
  };

  // progress — the body's wait for every thread to park, given up after park_timeout without
  // a new one.
  struct progress {
    std::uint64_t seen = 0;
    bench_clock::time_point last_progress = bench_clock::now();
    // done(now_parked, out) — true once all out.reached threads are parked, or (setting
    // out.stuck) once none has newly parked for park_timeout.
    bool done(std::uint64_t now_parked, outcome& out) {
      if (now_parked >= out.reached) return true;
      if (now_parked != seen) {
        seen = now_parked;
        last_progress = bench_clock::now();
        return false;
      }
      if (bench_clock::now() - last_progress <= park_timeout) return false;
      out.stuck = true;
      out.stuck_parked = now_parked;
      return true;
    }
  };

  // wanted_for<M>(opts, size) — the threads to spawn: size, within M's budget.
  template <class M>
  static std::uint64_t wanted_for(const run_options& opts, std::uint64_t size) {
    if (size == 0) throw std::invalid_argument("memory: size must be at least 1");
    return std::min(size, support::spawn_budget<M>(opts));
  }

  // report<M>(size, wanted, out) — both forms' checks (every thread parked, each woken once)
  // and sample.
  template <class M>
  static sample report(std::uint64_t size, std::uint64_t wanted, const outcome& out) {
    if (out.reached == 0) {
      throw std::runtime_error("memory: not a single thread could be spawned: " + out.stopped_by);
    }
    if (out.stuck) {
      throw wrong_result("memory: only " + support::grouped(out.stuck_parked) + " of " +
                         support::grouped(out.reached) + " threads parked (none more for " +
                         std::to_string(park_timeout.count()) + " ms)");
    }
    support::expect_equal("memory: threads woken after the release", out.reached, out.woke);

    sample s;
    s.size = out.reached;
    s.metrics = {
        support::metric(
            "rss_bytes_per_thread", "bytes",
            support::pages_per_unit_in_bytes(out.before.resident_pages,
                                             out.parked_pages.resident_pages, out.reached)),
        support::metric("reserved_bytes_per_thread", "bytes",
                        support::pages_per_unit_in_bytes(
                            out.before.virtual_pages, out.parked_pages.virtual_pages, out.reached)),
        support::metric("threads_reached", "threads", static_cast<double>(out.reached), false),
    };
    s.check = support::grouped(out.reached) + " threads parked at once, each woken once";
    s.scaled = out.reached < size;
    if (!out.stopped_by.empty()) {
      s.note = "stopped at " + support::grouped(out.reached) + " of " + support::grouped(wanted) +
               " threads by a limit: " + out.stopped_by;
    } else if (wanted < size) {
      s.note = "scaled to " + support::grouped(wanted) + " threads: thread_limit " +
               support::grouped(M::thread_limit) + ", the body being one of them";
    }
    return s;
  }
};

}  // namespace threadlab::workloads
