// coroutines/src/frame_pool.cpp — where coroutine frames come from: per-worker free lists by size
// class (frame_pool.hpp), global lists behind a mutex as their fallback, operator new beyond.
//
// A frame is freed on whichever worker its coroutine ends on; the block joins that worker's list
// and serves its next allocation of the class. Lists trade blocks with the global ones in
// batches, so a worker that frees more than it allocates (a consumer of threads spawned
// elsewhere) hands its surplus back. Blocks are plain operator new blocks, never slabs: ASan sees
// each frame as one allocation.
#include "frame_pool.hpp"

#include <atomic>
#include <mutex>
#include <new>
#include <utility>

#include <coroutines/detail/frame_pool.hpp>

namespace coroutines::detail {

namespace {

struct free_block {
  free_block* next;
};

// global_list — one per size class; its mutex guards head and length.
struct global_list {
  std::mutex mutex;
  free_block* head = nullptr;
  std::size_t length = 0;
};
std::array<global_list, frame_class_count> global_lists;

// Allocations off any worker: counted under one mutex (rare: the body's spawn is on worker 0;
// this is spawn before a run or frames created by code outside one).
std::mutex off_worker_mutex;
frame_counts off_worker;

thread_local frame_cache* bound_cache = nullptr;

void* new_block(std::size_t size_class) { return ::operator new(class_bytes(size_class)); }

// take_global(c, out, most) — up to `most` blocks of class c as a list; returns how many.
std::size_t take_global(std::size_t c, free_block** out, std::size_t most) noexcept {
  global_list& g = global_lists[c];
  const std::lock_guard<std::mutex> hold(g.mutex);
  std::size_t n = 0;
  free_block* first = g.head;
  free_block* last = nullptr;
  for (free_block* b = g.head; b != nullptr && n < most; b = b->next, ++n) last = b;
  if (last != nullptr) {
    g.head = last->next;
    last->next = nullptr;
  }
  g.length -= n;
  *out = n > 0 ? first : nullptr;
  return n;
}

// give_global(c, first, last, n) — append the list first..last of n blocks to class c's list.
void give_global(std::size_t c, free_block* first, free_block* last, std::size_t n) noexcept {
  global_list& g = global_lists[c];
  const std::lock_guard<std::mutex> hold(g.mutex);
  last->next = g.head;
  g.head = first;
  g.length += n;
}

}  // namespace

void frame_cache::bind() noexcept { bound_cache = this; }
void frame_cache::unbind() noexcept { bound_cache = nullptr; }

void* frame_cache::refill(std::size_t c) {
  free_block* list = nullptr;
  length_[c] = take_global(c, &list, refill_batch);
  if (list == nullptr) return nullptr;
  free_[c] = reinterpret_cast<block*>(list->next);
  --length_[c];
  return list;
}

void frame_cache::spill(std::size_t c) noexcept {
  // The first spill_at / 2 blocks go back to the global list.
  block* first = free_[c];
  block* last = first;
  for (std::size_t i = 1; i < spill_at / 2; ++i) last = last->next;
  free_[c] = last->next;
  length_[c] -= spill_at / 2;
  give_global(c, reinterpret_cast<free_block*>(first), reinterpret_cast<free_block*>(last),
              spill_at / 2);
}

void frame_cache::flush() noexcept {
  for (std::size_t c = 0; c < free_.size(); ++c) {
    if (free_[c] == nullptr) continue;
    block* last = free_[c];
    while (last->next != nullptr) last = last->next;
    give_global(c, reinterpret_cast<free_block*>(free_[c]), reinterpret_cast<free_block*>(last),
                length_[c]);
    free_[c] = nullptr;
    length_[c] = 0;
  }
}

namespace {
// allocate_slow(size, c) / free_slow(p, c) — allocate_frame's and free_frame's other paths: a
// refill from the global list, operator new, off a worker. Apart, so that the common path (a pop
// or push on the worker's own list) needs no registers saved.
[[gnu::noinline]] void* allocate_slow(std::size_t size, std::size_t c) {
  if (c == frame_class_count) {
    void* p = ::operator new(size);
    if (bound_cache != nullptr) {
      bound_cache->counts.note(size, true);
    } else {
      const std::lock_guard<std::mutex> hold(off_worker_mutex);
      off_worker.note(size, true);
    }
    return p;
  }
  if (frame_cache* cache = bound_cache) {
    void* p = cache->refill(c);  // allocate_frame's pop found the list empty
    cache->counts.note(size, p == nullptr);
    return p != nullptr ? p : new_block(c);
  }
  free_block* b = nullptr;
  take_global(c, &b, 1);
  {
    const std::lock_guard<std::mutex> hold(off_worker_mutex);
    off_worker.note(size, b == nullptr);
  }
  return b != nullptr ? static_cast<void*>(b) : new_block(c);
}

[[gnu::noinline]] void free_slow(void* p, std::size_t c) noexcept {
  if (c == frame_class_count) {
    ::operator delete(p);
  } else if (frame_cache* cache = bound_cache) {
    cache->free(p, c);
  } else {
    auto* b = static_cast<free_block*>(p);
    give_global(c, b, b, 1);
  }
}
}  // namespace

void* allocate_frame(std::size_t size) {
  const std::size_t c = size_class_of(size);
  frame_cache* cache = bound_cache;
  if (c < frame_class_count && cache != nullptr) [[likely]] {
    if (void* p = cache->pop(c)) {
      cache->counts.note(size, false);
      return p;
    }
  }
  return allocate_slow(size, c);
}

void free_frame(void* p, std::size_t size) noexcept {
  const std::size_t c = size_class_of(size);
  frame_cache* cache = bound_cache;
  if (c < frame_class_count && cache != nullptr) [[likely]] {
    cache->free(p, c);
    return;
  }
  free_slow(p, c);
}

frame_counts off_worker_frame_counts() noexcept {
  const std::lock_guard<std::mutex> hold(off_worker_mutex);
  return off_worker;
}

void reset_off_worker_frame_counts() noexcept {
  const std::lock_guard<std::mutex> hold(off_worker_mutex);
  off_worker = {};
}

void release_global_frames() noexcept {
  for (std::size_t c = 0; c < global_lists.size(); ++c) {
    free_block* list = nullptr;
    take_global(c, &list, static_cast<std::size_t>(-1));
    while (list != nullptr) ::operator delete(std::exchange(list, list->next));
  }
}

}  // namespace coroutines::detail
