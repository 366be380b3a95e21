// coroutines/src/frame_pool.hpp — the frame pool's per-worker half: a free list per size class
// that only its worker touches (no lock, no atomic), refilled from and spilled to the global
// lists (frame_pool.cpp). include/coroutines/detail/frame_pool.hpp is the allocation interface.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace coroutines::detail {

// Size classes — every 16 bytes, each 8 bytes short of a multiple of 16: class c holds blocks of
// 16c + 24 bytes (24, 40, 56, ... 2,056). Blocks come from operator new, and glibc's malloc puts
// a request of n bytes in a chunk of n + 8 rounded up to 16, so a block of such a size wastes
// nothing but that 8-byte header, and a frame is rounded up by at most 15 bytes. (Power-of-two
// classes wasted up to half a block: a 160-byte frame took 264 bytes.) A frame larger than the
// last class goes to operator new directly.
inline constexpr std::size_t frame_class_count = 128;
// class_bytes(c) — the block size of class c.
constexpr std::size_t class_bytes(std::size_t c) noexcept { return 16 * c + 24; }
inline constexpr std::size_t largest_pooled_frame = class_bytes(frame_class_count - 1);

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

  // pop(c) — a block of class c from this cache, or nullptr when its list is empty (then
  // refill). free(p, c) — p back to this cache, which spills half of a list that grows too long.
  // Inline: a spawn allocates and frees two blocks, and the common path is a list pop or push.
  void* pop(std::size_t c) noexcept {
    block* b = free_[c];
    if (b == nullptr) return nullptr;
    free_[c] = b->next;
    --length_[c];
    return b;
  }
  // refill(c) — pop's slow path: a batch of class c from the global list, and one of it; nullptr
  // when the global list is empty too (frame_pool.cpp).
  void* refill(std::size_t c);
  void free(void* p, std::size_t c) noexcept {
    auto* b = static_cast<block*>(p);
    b->next = free_[c];
    free_[c] = b;
    if (++length_[c] >= spill_at) [[unlikely]]
      spill(c);
  }
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
  // spill(c) — free's slow path (frame_pool.cpp).
  void spill(std::size_t c) noexcept;
  std::array<block*, frame_class_count> free_{};
  std::array<std::size_t, frame_class_count> length_{};
};

// size_class_of(size) — the index of the smallest class that fits size, or frame_class_count
// when none does.
constexpr std::size_t size_class_of(std::size_t size) noexcept {
  if (size <= class_bytes(0)) return 0;
  const std::size_t c = (size - class_bytes(0) + 15) / 16;
  return c < frame_class_count ? c : frame_class_count;
}
static_assert(size_class_of(24) == 0 && size_class_of(25) == 1 && size_class_of(40) == 1 &&
              size_class_of(160) == 9 && class_bytes(9) == 168 &&
              size_class_of(largest_pooled_frame) == frame_class_count - 1 &&
              size_class_of(largest_pooled_frame + 1) == frame_class_count);

// off_worker_frame_counts() — allocations made off a worker since the last reset.
frame_counts off_worker_frame_counts() noexcept;
void reset_off_worker_frame_counts() noexcept;

// release_global_frames() — free every block of the global lists (at the end of a run).
void release_global_frames() noexcept;

}  // namespace coroutines::detail
