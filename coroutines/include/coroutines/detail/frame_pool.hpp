// coroutines/detail/frame_pool.hpp — where coroutine frames (and thread control blocks) come
// from: a per-worker free list for each size class, a global list per class behind a mutex as
// the fallback, and operator new for sizes past the largest class. The definitions live in
// coroutines/src/frame_pool.cpp.
#pragma once

#include <cstddef>

namespace coroutines::detail {

// allocate_frame(size) — a block of at least size bytes, aligned for any scalar type
// (__STDCPP_DEFAULT_NEW_ALIGNMENT__). On a worker, from its own free lists without a lock; off
// a worker (spawn before the run starts its workers, a handle dropped after run), from the
// global lists. Counts size in the calling worker's frame counts (stats). Throws
// std::bad_alloc like operator new.
void* allocate_frame(std::size_t size);

// free_frame(p, size) — give back a block from allocate_frame(size), on any kernel thread.
void free_frame(void* p, std::size_t size) noexcept;

// pooled — a base whose operator new and delete use the frame pool: a promise type derived from
// it puts its coroutine's frame there (the compiler looks the allocation functions up in the
// promise), and a control block derived from it puts itself there.
struct pooled {
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* p, std::size_t size) noexcept { free_frame(p, size); }
};

}  // namespace coroutines::detail
