// green_threads/src/stack.cpp — the fiber stack allocator: one pool per world, three kinds;
// guard pages and the budget that bounds them (stack.hpp has the costs, overflow.hpp the report).
#include "green_threads/stack.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

#include <boost/context/fixedsize_stack.hpp>
#include <boost/context/stack_traits.hpp>

#include "overflow.hpp"

namespace green_threads {

std::string to_string(stack_kind k) {
  switch (k) {
    case stack_kind::pooled:
      return "pooled";
    case stack_kind::fixed:
      return "fixed";
    case stack_kind::guarded:
      return "guarded";
  }
  return "unknown";
}

// ---- the guard budget ---------------------------------------------------------------------
//
// guards_held counts the stacks of the process that hold a guard page now, every pool
// together; a pool takes one before it protects a stack's page and gives them all back when it
// unmaps its slabs. Every access is relaxed: the counter bounds a number and publishes nothing,
// and a carve that reads a stale value only lets a stack more or less be guarded. The budget is
// green_threads' own: hybrid keeps a budget of its own, so a process that runs both at full size
// at once can ask the kernel for more VMAs than either budget allows (the harness runs each
// model in its own process).
namespace {
constexpr std::size_t budget_unset = static_cast<std::size_t>(-1);
std::atomic<std::size_t> budget{budget_unset};
std::atomic<std::size_t> guards_held{0};
std::atomic<bool> warned{false};  // the unguarded-stack warning is printed once per process

// budget_from_sysctl() — (vm.max_map_count - 16,384) / 2: two VMAs per guarded stack, 16,384
// left to the rest of the process (libraries, malloc arenas, kernel threads' stacks, slabs).
std::size_t budget_from_sysctl() {
  std::size_t max_map_count = 65530;  // Linux's default
  if (std::FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
    unsigned long v = 0;
    if (std::fscanf(f, "%lu", &v) == 1) max_map_count = v;
    std::fclose(f);
  }
  return max_map_count > 16384 ? (max_map_count - 16384) / 2 : 0;
}

// take_guard() — one more guarded stack, if the budget allows.
bool take_guard() noexcept {
  const std::size_t limit = guard_budget();
  std::size_t held = guards_held.load(std::memory_order_relaxed);
  do {
    if (held >= limit) return false;
  } while (!guards_held.compare_exchange_weak(held, held + 1, std::memory_order_relaxed));
  return true;
}

// return_guards(n) — n guarded stacks unmapped, or never protected.
void return_guards(std::size_t n) noexcept { guards_held.fetch_sub(n, std::memory_order_relaxed); }

std::size_t page_size() noexcept {
  static const std::size_t page = boost::context::stack_traits::page_size();
  return page;
}
}  // namespace

std::size_t guard_budget() noexcept {
  std::size_t b = budget.load(std::memory_order_relaxed);
  if (b != budget_unset) return b;
  const std::size_t computed = budget_from_sysctl();
  // The first reader sets it; a racing set_guard_budget wins over the computed value.
  if (budget.compare_exchange_strong(b, computed, std::memory_order_relaxed)) return computed;
  return b;
}

std::size_t set_guard_budget(std::size_t n) noexcept {
  (void)guard_budget();  // so that the value returned is a real budget, not "unset"
  return budget.exchange(n, std::memory_order_relaxed);
}

std::size_t min_stack_size() noexcept { return 2 * page_size(); }

// ---- the pooled and guarded kinds ---------------------------------------------------------
//
// stack_slabs — stacks carved from large anonymous mappings, guarded, and recycled through a
// free list kept *outside* the stacks.
//
// Why not boost::context::pooled_fixedsize_stack: its boost::pool threads the free list through
// the first word of every chunk, so carving a new block writes (and page-faults in) the bottom
// page of every stack, used or not: with 100,000 parked fibers that was ~13.6 KB of RSS per
// fiber instead of ~9 KB (measured, README.md). Here a fresh stack is written by the allocator
// only in its header, in the top page, which the fiber's context record occupies anyway.
// Slabs are mapped MAP_NORESERVE, grow geometrically (64 stacks, doubling, capped at 64 MiB of
// address space per slab) and are unmapped when the pool is destroyed (end of the world).
//
// Guard pages: a stack's lowest page is made PROT_NONE when the stack is carved (one mprotect,
// the only system call a stack ever costs besides its slab's mmap), and recycling leaves it so:
// spawn stays a free-list pop. The first guarded stack of a slab registers the slab with the
// overflow handler's table (overflow.hpp). Past guard_budget() a pooled stack is carved without
// a guard (counted, and the first announced on stderr); a `guarded` pool throws instead.
// Recycled stacks keep whatever they were carved with.
class stack_slabs {
 public:
  stack_slabs(std::size_t stack_size, bool every_stack_guarded)
      : stack_size_(stack_size), every_stack_guarded_(every_stack_guarded) {}
  stack_slabs(const stack_slabs&) = delete;
  stack_slabs& operator=(const stack_slabs&) = delete;
  ~stack_slabs() {
    for (const auto& s : slabs_) {
      detail::unregister_guarded_slab(s.slot);  // before the handler could see it unmapped
      ::munmap(s.base, s.bytes);
    }
    return_guards(guarded_);
  }

  // allocate() — the most recently freed stack (still warm in cache), else a fresh one; the
  // header numbers the fiber that will run on it.
  boost::context::stack_context allocate() {
    char* stack;
    if (!free_.empty()) {
      stack = free_.back();
      free_.pop_back();
    } else {
      stack = carve();
    }
    detail::stack_header* h = detail::header_of(stack, stack_size_);
    h->id = ++spawned_;
    boost::context::stack_context sc;
    sc.sp = stack + stack_size_ - detail::header_bytes;  // stacks grow down from below the header
    sc.size = stack_size_ - detail::header_bytes - h->guard;  // the frames only
    return sc;
  }

  // deallocate(sc) — keep the stack for reuse; precondition: it came from this pool.
  void deallocate(boost::context::stack_context& sc) noexcept {
    char* stack = static_cast<char*>(sc.sp) + detail::header_bytes - stack_size_;
    try {
      free_.push_back(stack);
    } catch (...) {
      // Out of memory for the free list itself: the stack is lost until the pool goes away.
    }
  }

  std::uint64_t unguarded() const noexcept { return unguarded_; }

 private:
  struct slab {
    char* base;
    std::size_t bytes;
    int slot = -1;  // in the overflow handler's table; -1: not registered
    bool register_tried = false;
  };

  // carve() — the next never-used stack of the newest slab (a new slab when it is full), its
  // guard page set or, past the budget, counted as missing.
  char* carve() {
    if (carved_ == slab_stacks_) grow();
    slab& s = slabs_.back();
    char* stack = s.base + carved_ * stack_size_;
    const std::size_t guard = protect(s, stack);
    detail::header_of(stack, stack_size_)->guard = guard;
    ++carved_;
    if (guard == 0 && unguarded_++ == 0 && !warned.exchange(true, std::memory_order_relaxed)) {
      std::fprintf(stderr,
                   "green_threads: warning: %zu fiber stacks hold a guard page, all that the "
                   "share of vm.max_map_count set aside for them allows (guard_budget()); "
                   "stacks carved while none is free have no guard page\n",
                   guards_held.load(std::memory_order_relaxed));
    }
    return stack;
  }

  // protect(s, stack) — make stack's lowest page its guard; returns the guard's size, or 0
  // when the budget has no room (nor the handler's table, nor the kernel another VMA). Throws
  // std::bad_alloc instead of returning 0 when every stack must be guarded.
  std::size_t protect(slab& s, char* stack) {
    if (take_guard()) {
      if (registered(s) && ::mprotect(stack, page_size(), PROT_NONE) == 0) {
        ++guarded_;
        return page_size();
      }
      return_guards(1);  // the table is full, or the kernel refused (ENOMEM: max_map_count)
    }
    if (every_stack_guarded_) throw std::bad_alloc();
    return 0;
  }

  // registered(s) — s is in the overflow handler's table: registered with its first guard.
  bool registered(slab& s) noexcept {
    if (!s.register_tried) {
      s.register_tried = true;
      s.slot = detail::register_guarded_slab(s.base, s.bytes, stack_size_);
    }
    return s.slot >= 0;
  }

  // grow() — map a new slab, twice as many stacks as the last one (capped).
  void grow() {
    constexpr std::size_t first_slab_stacks = 64;                  // small worlds stay small
    constexpr std::size_t max_slab_bytes = std::size_t{64} << 20;  // bounds one mapping
    std::size_t stacks = slabs_.empty() ? first_slab_stacks : slab_stacks_ * 2;
    stacks = std::max<std::size_t>(1, std::min(stacks, max_slab_bytes / stack_size_));
    const std::size_t bytes = stacks * stack_size_;
    void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    slabs_.push_back({static_cast<char*>(base), bytes});
    slab_stacks_ = stacks;
    carved_ = 0;
  }

  std::size_t stack_size_;
  bool every_stack_guarded_;     // stack_kind::guarded: no stack without a guard page
  std::vector<slab> slabs_;      // every mapping, unmapped in the destructor
  std::size_t slab_stacks_ = 0;  // stacks in the newest slab
  std::size_t carved_ = 0;       // stacks of the newest slab handed out at least once
  std::vector<char*> free_;      // lowest bytes of returned stacks, most recent last
  std::uint64_t spawned_ = 0;    // stacks handed out: the fibers' numbers
  std::size_t guarded_ = 0;      // stacks carved with a guard page (held in guards_held)
  std::uint64_t unguarded_ = 0;  // stacks carved without one
};

// pool — the state every copy of one stack_allocator shares. `slabs` serves the pooled and
// guarded kinds; `lock` is engaged only for allocators shared across kernel threads and guards
// `slabs`. The fixed kind calls malloc, which is thread-safe, and needs no lock.
struct stack_allocator::pool {
  pool(stack_kind kind, std::size_t size, bool shared)
      : slabs(size, kind == stack_kind::guarded), fixed(size) {
    if (shared) lock.emplace();
  }
  stack_slabs slabs;  // guarded by *lock when engaged
  boost::context::fixedsize_stack fixed;
  std::optional<std::mutex> lock;
};

namespace {
std::size_t round_to_pages(std::size_t bytes) {
  const std::size_t page = page_size();
  return (std::max(bytes, min_stack_size()) + page - 1) / page * page;
}
}  // namespace

stack_allocator::stack_allocator(stack_kind kind, std::size_t size, bool shared_across_threads)
    : kind_(kind),
      size_(round_to_pages(size == 0 ? default_stack_size : size)),
      pool_(std::make_shared<pool>(kind, size_, shared_across_threads)) {}

boost::context::stack_context stack_allocator::allocate() {
  if (kind_ == stack_kind::fixed) return pool_->fixed.allocate();
  if (pool_->lock) {
    std::lock_guard guard(*pool_->lock);
    return pool_->slabs.allocate();
  }
  return pool_->slabs.allocate();
}

void stack_allocator::deallocate(boost::context::stack_context& sc) noexcept {
  if (kind_ == stack_kind::fixed) {
    pool_->fixed.deallocate(sc);
  } else if (pool_->lock) {
    std::lock_guard guard(*pool_->lock);
    pool_->slabs.deallocate(sc);
  } else {
    pool_->slabs.deallocate(sc);
  }
}

std::uint64_t stack_allocator::unguarded_stacks() const noexcept {
  if (pool_->lock) {
    std::lock_guard guard(*pool_->lock);
    return pool_->slabs.unguarded();
  }
  return pool_->slabs.unguarded();
}

std::string stack_allocator::describe() const {
  std::string text = to_string(kind_) + " " + std::to_string(size_ / 1024) + " KiB stacks";
  if (kind_ == stack_kind::pooled) text += " with guard pages";
  if (kind_ == stack_kind::guarded) text += ", pooled, each with a guard page";
  return text;
}

}  // namespace green_threads
