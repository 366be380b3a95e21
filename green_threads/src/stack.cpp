// green_threads/src/stack.cpp — the fiber stack allocator: one pool per world, three kinds.
#include "green_threads/stack.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

#include <boost/context/fixedsize_stack.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/context/stack_traits.hpp>

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

// stack_slabs — the pooled kind: stacks carved from large anonymous mappings and recycled
// through a free list kept *outside* the stacks.
//
// Why not boost::context::pooled_fixedsize_stack: its boost::pool threads the free list through
// the first word of every chunk, so carving a new block writes (and page-faults in) the bottom
// page of every stack, used or not: with 100,000 parked fibers that was ~13.6 KB of RSS per
// fiber instead of ~9 KB (measured, README.md). Here a fresh stack is never written by the
// allocator: only the pages the fiber itself touches (its top pages) become resident.
// Slabs are mapped MAP_NORESERVE, grow geometrically (64 stacks, doubling, capped at 64 MiB of
// address space per slab) and are unmapped when the pool is destroyed (end of the world).
// No guard pages: one guard per stack would add a VMA per stack, and Linux's default
// vm.max_map_count (65,530) would cap a world at ~32,000 fibers.
class stack_slabs {
 public:
  explicit stack_slabs(std::size_t stack_size) : stack_size_(stack_size) {}
  stack_slabs(const stack_slabs&) = delete;
  stack_slabs& operator=(const stack_slabs&) = delete;
  ~stack_slabs() {
    for (const auto& s : slabs_) ::munmap(s.base, s.bytes);
  }

  // allocate() — the most recently freed stack (still warm in cache), else a fresh one.
  boost::context::stack_context allocate() {
    char* bottom;
    if (!free_.empty()) {
      bottom = free_.back();
      free_.pop_back();
    } else {
      if (carved_ == slab_stacks_) grow();
      bottom = slabs_.back().base + carved_ * stack_size_;
      ++carved_;
    }
    boost::context::stack_context sc;
    sc.size = stack_size_;
    sc.sp = bottom + stack_size_;  // stacks grow down: sp starts at the top
    return sc;
  }

  // deallocate(sc) — keep the stack for reuse; precondition: it came from this pool.
  void deallocate(boost::context::stack_context& sc) noexcept {
    char* bottom = static_cast<char*>(sc.sp) - sc.size;
    try {
      free_.push_back(bottom);
    } catch (...) {
      // Out of memory for the free list itself: the stack is lost until the pool goes away.
    }
  }

 private:
  struct slab {
    char* base;
    std::size_t bytes;
  };

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
  std::vector<slab> slabs_;      // every mapping, unmapped in the destructor
  std::size_t slab_stacks_ = 0;  // stacks in the newest slab
  std::size_t carved_ = 0;       // stacks of the newest slab handed out at least once
  std::vector<char*> free_;      // bottoms of returned stacks, most recent last
};

// pool — the state every copy of one stack_allocator shares. `slabs` serves the pooled kind;
// `lock` is engaged only for allocators shared across kernel threads and guards `slabs`.
// The fixed and guarded kinds call malloc / mmap, which are thread-safe, and need no lock.
struct stack_allocator::pool {
  pool(std::size_t size, bool shared) : slabs(size), fixed(size), guarded(size) {
    if (shared) lock.emplace();
  }
  stack_slabs slabs;  // guarded by *lock when engaged
  boost::context::fixedsize_stack fixed;
  boost::context::protected_fixedsize_stack guarded;
  std::optional<std::mutex> lock;
};

namespace {
std::size_t round_to_pages(std::size_t bytes) {
  const std::size_t page = boost::context::stack_traits::page_size();
  return (bytes + page - 1) / page * page;
}
}  // namespace

stack_allocator::stack_allocator(stack_kind kind, std::size_t size, bool shared_across_threads)
    : kind_(kind),
      size_(round_to_pages(size == 0 ? default_stack_size : size)),
      pool_(std::make_shared<pool>(size_, shared_across_threads)) {}

boost::context::stack_context stack_allocator::allocate() {
  switch (kind_) {
    case stack_kind::pooled: {
      if (pool_->lock) {
        std::lock_guard guard(*pool_->lock);
        return pool_->slabs.allocate();
      }
      return pool_->slabs.allocate();
    }
    case stack_kind::fixed:
      return pool_->fixed.allocate();
    case stack_kind::guarded:
      return pool_->guarded.allocate();
  }
  throw std::bad_alloc();
}

void stack_allocator::deallocate(boost::context::stack_context& sc) noexcept {
  switch (kind_) {
    case stack_kind::pooled:
      if (pool_->lock) {
        std::lock_guard guard(*pool_->lock);
        pool_->slabs.deallocate(sc);
      } else {
        pool_->slabs.deallocate(sc);
      }
      return;
    case stack_kind::fixed:
      pool_->fixed.deallocate(sc);
      return;
    case stack_kind::guarded:
      pool_->guarded.deallocate(sc);
      return;
  }
}

std::string stack_allocator::describe() const {
  return to_string(kind_) + " " + std::to_string(size_ / 1024) + " KiB stacks";
}

}  // namespace green_threads
