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
//     neighbouring stack, at the fixedsize cost or worse.
//
// A fair comparison runs every model at its best, so the default is `stack_kind::pooled`; the
// other kinds remain selectable (`options::stack`) to show the difference and, for
// `guarded`, to debug a suspected overflow. Pooled stacks have no guard page (one per stack
// would cost a VMA each, and Linux's default vm.max_map_count of 65,530 would cap a world near
// 32,000 fibers): that is the price of the speed, and the reason the default size has margin.
//
// Memory: a stack costs address space (stack_size) but only the pages a fiber touches are
// resident: a parked fiber holds its context record and the frames it used. Peak RSS measured
// for 100,000 fibers parked on a condition variable, one kernel thread, g++ 12 -O2:
//   pooled (ours), 16 KiB or 32 KiB stacks:   ~8.3 KB per fiber (two pages)
//   boost::pooled_fixedsize_stack, 16 or 32 KiB: ~13.6 KB per fiber
//   fixed (malloc), 32 KiB:                      ~9.3 KB per fiber
// The same with launch::post and launch::dispatch: 100,000 *parked* fibers are all alive
// either way; dispatch matters for trees of short-lived fibers (runtime.hpp, launch_policy).
// Memory obtained by the pool is returned when the world's last fiber has been destroyed and
// the allocator goes away (end of run()).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <boost/context/stack_context.hpp>

namespace green_threads {

// stack_kind — which allocator provides fiber stacks. See the file comment for the costs.
enum class stack_kind {
  pooled,   // boost pool of fixed-size stacks; no guard page; the default
  fixed,    // one malloc per fiber (Boost.Fiber's default)
  guarded,  // one mmap per fiber with a guard page below the stack
};

// to_string(k) — "pooled", "fixed" or "guarded", for reports.
std::string to_string(stack_kind k);

// default_stack_size — bytes of stack per fiber when the caller asks for 0.
//
// 32 KiB: large enough for ordinary library code (iostreams, formatting, doctest assertions)
// with margin, since pooled stacks have no guard page; small enough that 1,000,000 fibers
// reserve 32 GB of address space (mapped MAP_NORESERVE) while, touched only at the top, they
// keep RSS near 8 KB per parked fiber (measured: see the file comment). Under
// AddressSanitizer frames grow several-fold (redzones), so sanitizer builds use 128 KiB.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::size_t default_stack_size = 128 * 1024;
#else
inline constexpr std::size_t default_stack_size = 32 * 1024;
#endif

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
  // to a multiple of the page size.
  explicit stack_allocator(stack_kind kind = stack_kind::pooled, std::size_t size = 0,
                           bool shared_across_threads = false);

  // allocate() — a fresh stack of size() bytes; throws std::bad_alloc when memory runs out.
  boost::context::stack_context allocate();
  // deallocate(sc) — give back a stack obtained from allocate() on any copy of this allocator.
  void deallocate(boost::context::stack_context& sc) noexcept;

  stack_kind kind() const noexcept { return kind_; }
  std::size_t size() const noexcept { return size_; }
  // describe() — "pooled 32 KiB stacks", for the report.
  std::string describe() const;

 private:
  struct pool;  // defined in stack.cpp; shared by all copies

  stack_kind kind_;
  std::size_t size_;
  std::shared_ptr<pool> pool_;
};

}  // namespace green_threads
