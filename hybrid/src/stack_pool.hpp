// hybrid/src/stack_pool.hpp — where threads' stacks come from: mmap'd once, guarded, reused.
//
// Each stack is `stack_size` bytes carved from a larger mapping (a slab): a PROT_NONE guard page
// at the low end (set once, when the stack is first carved) and the thread control block at
// the top. A thread that
// ends gives its stack back (join or exit, see thread.cpp) and the next spawn takes it again, so
// in steady state spawning is one pop from the worker's own cache: no system call, no malloc,
// and pages the stack already touched are not faulted in again.
//
// Two levels, like a malloc arena: each worker's `stack_cache` (owner-only, LIFO so the most
// recently used — cache-warm — stack is reused first) and the shared pool behind a mutex,
// which takes a cache's excess and refills an empty cache in batches.
//
// Guard pages cost kernel VMAs: a guard splits its slab, two VMAs per guarded stack, and the
// kernel allows vm.max_map_count (65530 by default) in all. So only the first
// (max_map_count - 16384) / 2 stacks (about 24,000) get a guard page; the rest are carved
// unguarded from slabs (one VMA per 8 MiB): counted in stats::unguarded_stacks and announced
// once per process on stderr. A program with more threads alive at once trades overflow
// detection for them; a bigger vm.max_map_count raises the limit.
//
// Stacks outlive a run. Mapping a stack is cheap, but touching its pages the first time is
// not: a page fault costs 2–5 us on bare metal and about 30 us on the VMs these benchmarks run
// on, and every new stack takes one or two. A program runs one world for its life, and a
// world's steady state reuses its stacks; a benchmark that starts a world per repetition
// would measure mostly page faults (spawn_join's 10,000 threads: 400 ns per thread with fresh
// stacks, 60–90 with reused ones). So when a run ends, its first `reservoir_slabs` slabs, with
// their carved stacks, guard pages in place and touched pages resident, stay mapped for the
// next run of the process with the same stack size (glibc keeps up to 40 MiB of freed pthread
// stacks for the same reason; Go never frees a goroutine's g). At most 256 stacks of 64 KiB:
// 16 MiB of address space, and the pages those stacks touched (one or two each).
#pragma once

#include <signal.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "os_mutex.hpp"
#include "thread_control.hpp"

namespace hybrid::detail {

class scheduler;

// control_footprint — the bytes the control block takes at the top of its stack: its size,
// rounded up to 64 so that it starts on a cache line.
inline constexpr std::size_t control_footprint = (sizeof(thread_control) + 63) / 64 * 64;

// stack_cache — one worker's free stacks, most recently freed last. Owner-only. An array,
// not a list through the stacks: moving a batch to or from the shared pool then touches no
// stack memory (each free stack is a different page: chasing links costs a cache and TLB miss
// per stack).
struct stack_cache {
  std::vector<thread_control*> stacks;
};

class stack_pool {
 public:
  // stack_pool(stack_size) — stack_size: bytes per stack, guard page included; rounded up to
  // whole pages.
  explicit stack_pool(std::size_t stack_size);
  // ~stack_pool — unmaps every stack, except the slabs kept for the next run (see above) when
  // every stack is free. Precondition: no thread is running on any of them.
  ~stack_pool();
  stack_pool(const stack_pool&) = delete;
  stack_pool& operator=(const stack_pool&) = delete;

  // acquire(cache) — a free stack's control block: from cache, else a batch from the shared
  // pool, else a new mapping. Throws std::system_error when mmap fails.
  thread_control* acquire(stack_cache& cache) {
    if (!cache.stacks.empty()) [[likely]] {
      thread_control* t = cache.stacks.back();
      cache.stacks.pop_back();
      return t;
    }
    return acquire_slow(cache);
  }

  // release(cache, t) — t's thread has terminated and is joined or detached: its stack is free.
  void release(stack_cache& cache, thread_control* t) noexcept {
    if (cache.stacks.size() < cache_limit) [[likely]] {
      cache.stacks.push_back(t);  // capacity reserved: cannot throw (see worker's constructor)
      return;
    }
    release_slow(cache, t);
  }

  // for_each_stack(fn) — call fn on every stack's control block, free or not. Precondition:
  // no other thread maps stacks meanwhile (used for the deadlock report, when all is idle).
  void for_each_stack(const std::function<void(thread_control*)>& fn);

  // keep_for_next_run() — every thread of the run has ended and been joined or detached: the
  // destructor may keep the first slabs for the next run (see above). Not called after a
  // deadlock.
  void keep_for_next_run() noexcept;

  std::size_t stack_size() const noexcept { return stack_size_; }
  // cache_capacity — what a stack_cache must reserve so that release never allocates.
  static constexpr std::size_t cache_capacity = 2048 + 1;
  // stacks_mapped() — stacks this run carved from new mappings (not those the last run kept).
  std::uint64_t stacks_mapped() const noexcept;
  std::uint64_t unguarded_stacks() const noexcept;

 private:
  friend void publish_debug_table(const scheduler& s) noexcept;  // reads the slabs' layout
  thread_control* map_stack();
  // acquire_slow / release_slow — the cache is empty / full: the shared pool, under mutex_.
  // Out of line, so that the common case inlines into spawn and join with no register saved.
  thread_control* acquire_slow(stack_cache& cache);
  void release_slow(stack_cache& cache, thread_control* t) noexcept;
  // make_control(base, guard) — construct the control block at the top of the stack at base.
  thread_control* make_control(char* base, std::size_t guard) noexcept;
  // control_of(base) — the control block of the stack at base.
  thread_control* control_of(char* base) const noexcept;

  // A cache above cache_limit gives half back; an empty one takes up to refill_batch. Picked by
  // hand: large enough that a spawn/join burst of a thousand threads stays worker-local.
  static constexpr std::size_t cache_limit = cache_capacity - 1;
  static constexpr std::size_t refill_batch = 64;

  std::size_t stack_size_;
  std::size_t page_size_;
  mutable os_mutex mutex_;
  std::vector<thread_control*> free_ HYBRID_GUARDED_BY(mutex_);  // the shared pool
  // slab — one mapping carved into stacks. slab_bytes: 8 MiB, so 1,000,000 stacks of 64 KiB
  // need ~8,000 mappings, well under vm.max_map_count.
  // Every stack is found through its slab (no list of them: 8 bytes per thread the memory
  // workload would count): stack i of a slab starts at base + i * stack_size.
  struct slab {
    char* base;
    std::size_t size;
    std::size_t carved = 0;  // stacks carved from it so far
  };
  static constexpr std::size_t slab_bytes = 8u << 20;
  // reservoir_slabs — how many slabs a finished run leaves mapped for the next (stack_pool.cpp).
  static constexpr std::size_t reservoir_slabs = 2;
  std::vector<slab> slabs_ HYBRID_GUARDED_BY(mutex_);
  char* slab_next_ HYBRID_GUARDED_BY(mutex_) = nullptr;  // the next stack to carve
  char* slab_end_ HYBRID_GUARDED_BY(mutex_) = nullptr;
  std::uint64_t unguarded_ HYBRID_GUARDED_BY(mutex_) = 0;
  std::size_t guard_budget_ = 0;                         // how many stacks may get a guard page
  std::size_t carved_ HYBRID_GUARDED_BY(mutex_) = 0;     // stacks in all slabs
  std::size_t inherited_ HYBRID_GUARDED_BY(mutex_) = 0;  // stacks the last run kept
  bool keep_ = false;                                    // keep_for_next_run() was called
};

// overflow_handler — RAII, for the length of a run: a SIGSEGV/SIGBUS handler (on an alternate
// signal stack) that recognizes a fault in the guard page of the running green thread's stack,
// prints "hybrid: stack overflow in thread #ID (name)" and aborts. Other faults are passed on
// to the previous handler (or the default action). The destructor restores the previous ones.
class overflow_handler {
 public:
  overflow_handler();
  ~overflow_handler();
  overflow_handler(const overflow_handler&) = delete;
  overflow_handler& operator=(const overflow_handler&) = delete;
};

// alt_signal_stack — RAII: gives the calling kernel thread an alternate signal stack, so the
// SIGSEGV handler can run even when the fault is a stack overflow.
class alt_signal_stack {
 public:
  alt_signal_stack();
  ~alt_signal_stack();
  alt_signal_stack(const alt_signal_stack&) = delete;
  alt_signal_stack& operator=(const alt_signal_stack&) = delete;

 private:
  void* memory_ = nullptr;
  std::size_t size_ = 0;
  stack_t previous_{};
};

// running_thread_for_signal() — the green thread running on this kernel thread (or nullptr);
// read by the SIGSEGV handler. Defined in worker.cpp.
thread_control* running_thread_for_signal() noexcept;

}  // namespace hybrid::detail
