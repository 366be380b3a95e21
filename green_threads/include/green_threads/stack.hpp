// green_threads/stack.hpp — where a fiber's stack comes from.
//
// Every fiber runs on its own stack, allocated when the fiber is created and released when its
// context is destroyed (after join). The allocator is therefore on the path of every spawn, and
// the choice decides what "creating a green thread" costs:
//
//   * boost::fibers::fixedsize_stack (Boost's default) mallocs 128 KiB per fiber. glibc serves a
//     block that large with mmap, so every spawn pays an mmap, page faults on first touch, and
//     a munmap at the end: about 16 µs per spawn+join on our 2-core test machine.
//   * a pool of recycled stacks: after warm-up a spawn is a free-list pop and the stack's pages
//     are already resident: about 0.8 µs per spawn+join with boost::pooled_fixedsize_stack on
//     the same machine. Ours (`stack_kind::pooled`, src/stack.cpp) is the same idea with the
//     free list kept outside the stacks: boost::pool writes a link into every chunk of a new
//     block, faulting in the bottom page of every stack whether a fiber uses it or not.
//   * boost::fibers::protected_fixedsize_stack adds a guard page below each stack (mmap +
//     mprotect per fiber): a stack overflow faults instead of silently corrupting the
//     neighbouring stack, at the fixedsize cost or worse. Ours pays the mprotect once per
//     stack instead of once per spawn (below).
//
// A fair comparison runs every model at its best, so the default is `stack_kind::pooled`, and
// pooled stacks are guarded too, without a system call per spawn: each stack's lowest page is
// made PROT_NONE once, when the stack is first carved from its slab, and stays so while the
// stack is recycled. A fiber that runs off the bottom of its stack touches that page; a
// SIGSEGV handler (on an alternate signal stack on every kernel thread that runs fibers)
// recognizes the guard page, prints "green_threads: stack overflow in thread #N (unnamed)" and
// aborts the process (SIGABRT). N is the fiber's spawn number in its world (the body is #1,
// the first fiber it spawns #2, ...); green_threads' fibers have no names. Faults elsewhere
// are passed on to the handler installed before, or take the default action.
//
// The price of a guard is not memory but kernel bookkeeping: a PROT_NONE page in the middle of
// a slab splits its mapping, two VMAs per guarded stack, and Linux allows a process
// vm.max_map_count of them (65,530 by default). So at most guard_budget() stacks of the process
// hold a guard at once ((max_map_count - 16,384) / 2, about 24,500 by default, leaving the rest
// to libraries, malloc and kernel threads' stacks); stacks carved past it have none, are
// counted (stats::unguarded_stacks) and announced once per process on stderr. A world of
// 100,000 parked fibers or a million-leaf skynet still runs; only its first ~24,500 stacks
// detect an overflow. `stack_kind::guarded` refuses that trade: every stack gets its guard or
// the spawn fails. The guard page is part of the stack's size: of the default 32 KiB, the top
// 64 bytes hold a header (the fiber's number, for the handler), the page at the bottom is the
// guard, and the rest holds Boost's context record and the fiber's frames. A frame larger than
// a page can still jump over the guard into the stack below; no guard page catches that.
//
// Memory: a stack costs address space (stack_size) but only the pages a fiber touches are
// resident: a parked fiber holds its context record and the frames it used. A guard page is
// never resident (nothing can touch it): it costs one page of the stack's address space and the
// two VMAs above (a couple of hundred bytes of kernel memory each, outside RSS). Peak RSS
// measured for 100,000 fibers parked on a condition variable, one kernel thread, g++ 12 -O2:
//   pooled (ours), 16 KiB or 32 KiB stacks:   ~8.3 KB per fiber (two pages)
//   boost::pooled_fixedsize_stack, 16 or 32 KiB: ~13.6 KB per fiber
//   fixed (malloc), 32 KiB:                      ~9.3 KB per fiber
// (measured before pooled stacks had guard pages; a guard adds no resident page.)
// The same with launch::post and launch::dispatch: 100,000 *parked* fibers are all alive
// either way; dispatch matters for trees of short-lived fibers (runtime.hpp, launch_policy).
// Memory obtained by the pool is returned when the world's last fiber has been destroyed and
// the allocator goes away (end of run()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/context/stack_context.hpp>

namespace green_threads {

// stack_kind — which allocator provides fiber stacks. See the file comment for the costs.
enum class stack_kind {
  // pooled — stacks carved from large mappings and recycled; a guard page each while the
  // process's guard_budget() lasts, none after. The default.
  pooled,
  // fixed — one malloc per fiber (Boost.Fiber's default); no guard page, no overflow report.
  fixed,
  // guarded — pooled, but every stack has its guard page: past guard_budget() (or when the
  // kernel refuses another VMA) spawn throws std::bad_alloc instead of carving a stack without.
  guarded,
};

// to_string(k) — "pooled", "fixed" or "guarded", for reports.
std::string to_string(stack_kind k);

// guard_budget() — how many stacks of the process may hold a guard page at once (pooled and
// guarded kinds, every world together): (vm.max_map_count - 16,384) / 2, read from /proc the
// first time it is needed (65,530 assumed when it cannot be read), unless set_guard_budget
// changed it. Thread-safe.
std::size_t guard_budget() noexcept;

// set_guard_budget(n) — make the budget n from now on; returns the previous one. For tests,
// and for programs that need more of vm.max_map_count for themselves (or raised it). Stacks
// already carved keep their guard page, or lack of one. Thread-safe.
std::size_t set_guard_budget(std::size_t n) noexcept;

// default_stack_size — bytes of stack per fiber when the caller asks for 0.
//
// 32 KiB, the guard page included: large enough for ordinary library code (iostreams,
// formatting, doctest assertions) with margin, since past guard_budget() stacks have no guard
// page; small enough that 1,000,000 fibers
// reserve 32 GB of address space (mapped MAP_NORESERVE) while, touched only at the top, they
// keep RSS near 8 KB per parked fiber (measured: see the file comment). Under
// AddressSanitizer frames grow several-fold (redzones), so sanitizer builds use 128 KiB.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::size_t default_stack_size = 128 * 1024;
#else
inline constexpr std::size_t default_stack_size = 32 * 1024;
#endif

// min_stack_size — the smallest stack: two pages, a guard page and one page of frames.
// Smaller requests are raised to it (on 4 KiB pages: 8 KiB).
std::size_t min_stack_size() noexcept;

// stack_allocator — the StackAllocator handed to every fiber of one world (Boost.Context's
// concept: allocate() -> stack_context, deallocate(stack_context&)).
//
// Copies share one pool: the pool lives until the last copy is destroyed, and every fiber's
// context holds a copy, so stacks are never freed from under a fiber. A plain allocator is for
// one kernel thread (green_threads' N:1 world, no locking); `shared_across_threads` guards the
// pool with a mutex, for M:N worlds where a fiber may be freed on another kernel thread than
// the one that created it (boost::pool itself is not thread-safe).
class stack_allocator {
 public:
  // stack_allocator(kind, size, shared) — size 0 means default_stack_size; size is rounded up
  // to a multiple of the page size, and at least min_stack_size().
  explicit stack_allocator(stack_kind kind = stack_kind::pooled, std::size_t size = 0,
                           bool shared_across_threads = false);

  // allocate() — a fresh stack of size() bytes; throws std::bad_alloc when memory runs out (or,
  // for stack_kind::guarded, when no guard page can be had). Pooled and guarded kinds: the
  // stack_context covers the frames only, so sp - size is the lowest usable byte and the byte
  // below it is in the guard page (when the stack has one); each call numbers the fiber.
  boost::context::stack_context allocate();
  // deallocate(sc) — give back a stack obtained from allocate() on any copy of this allocator.
  void deallocate(boost::context::stack_context& sc) noexcept;

  stack_kind kind() const noexcept { return kind_; }
  std::size_t size() const noexcept { return size_; }
  // describe() — "pooled 32 KiB stacks with guard pages", for the report.
  std::string describe() const;
  // unguarded_stacks() — stacks this allocator's pool carved without a guard page (pooled
  // kind, past guard_budget()); 0 for the other kinds. Any copy; any kernel thread.
  std::uint64_t unguarded_stacks() const noexcept;

 private:
  struct pool;  // defined in stack.cpp; shared by all copies

  stack_kind kind_;
  std::size_t size_;
  std::shared_ptr<pool> pool_;
};

}  // namespace green_threads
