// coroutines/src/frame_pool.hpp — the frame pool's per-worker half: a free list per size class
// that only its worker touches (no lock, no atomic), refilled from and spilled to the global
// lists (frame_pool.cpp). include/coroutines/detail/frame_pool.hpp is the allocation interface.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace coroutines::detail {

// frame_size_classes — block sizes of the pool; a frame larger than the last goes to operator
// new directly.
inline constexpr std::array<std::size_t, 7> frame_size_classes{64, 128, 256, 512, 1024, 2048, 4096};

// frame_counts — what allocate_frame did, for stats.
struct frame_counts {
  std::uint64_t allocated = 0;  // allocate_frame calls
  std::uint64_t from_heap = 0;  // of those, served by operator new
  std::uint64_t bytes = 0;      // sizes asked for, summed
  std::size_t largest = 0;      // the largest size asked for
  void note(std::size_t size, bool heap) noexcept {
    ++allocated;
    from_heap += heap ? 1 : 0;
    bytes += size;
    largest = size > largest ? size : largest;
  }
};

class frame_cache {
 public:
  frame_cache() = default;
  frame_cache(const frame_cache&) = delete;
  frame_cache& operator=(const frame_cache&) = delete;
  // ~frame_cache — gives every cached block back to the global lists.
  ~frame_cache() { flush(); }

  // bind() / unbind() — make this the calling kernel thread's cache (allocate_frame and
  // free_frame use it), or stop. A worker binds its cache for as long as its loop runs.
  void bind() noexcept;
  void unbind() noexcept;

  void* allocate(std::size_t size_class);
  void free(void* block, std::size_t size_class) noexcept;
  // flush() — give every cached block back to the global lists.
  void flush() noexcept;

  frame_counts counts;

 private:
  struct block {
    block* next;
  };
  // refill_batch — blocks taken from a global list at once; spill_at — a list this long gives
  // half of itself back.
  static constexpr std::size_t refill_batch = 32;
  static constexpr std::size_t spill_at = 256;
  std::array<block*, frame_size_classes.size()> free_{};
  std::array<std::size_t, frame_size_classes.size()> length_{};
};

// size_class_of(size) — the index of the smallest class that fits size, or
// frame_size_classes.size() when none does.
std::size_t size_class_of(std::size_t size) noexcept;

// off_worker_frame_counts() — allocations made off a worker since the last reset.
frame_counts off_worker_frame_counts() noexcept;
void reset_off_worker_frame_counts() noexcept;

// release_global_frames() — free every block of the global lists (at the end of a run).
void release_global_frames() noexcept;

}  // namespace coroutines::detail
