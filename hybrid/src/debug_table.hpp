// hybrid/src/debug_table.hpp — what a debugger needs to find every green thread, without
// debug information.
//
// A green thread parked in a channel is invisible to gdb: gdb knows kernel threads, and the
// thread's registers sit in a saved context on its own stack. scripts/gdb/hybrid.py (`hybrid
// threads`, `hybrid bt N`) finds them from one exported symbol, `hybrid_debug`: this table.
// It holds the running world's scheduler and the byte offsets of the fields the script reads,
// measured by the compiler on this very build, so the script depends on no field layout and
// works on a release binary with no DWARF (CPython's _Py_DebugOffsets does the same).
//
// The walk: scheduler + sched_stacks is the stack pool; its slabs_ vector (libstdc++'s layout:
// begin, end, capacity pointers) holds slabs of slab_bytes_size bytes each, with base and carved
// at their offsets; stack k of a slab starts at base + k * stack_size and its control block at
// base + (k + 1) * stack_size - control_footprint. Running threads are found through the
// carriers (scheduler + sched_carriers: a vector of unique_ptr<carrier>): each carrier's
// current thread and held worker.
//
// Written by the scheduler's constructor and cleared by its destructor, on the thread that runs
// the world, while no other thread reads it; a debugger reads it with the process stopped.
// Bump version when a field is added, so the script can refuse a table it does not know.
#pragma once

#include <cstdint>

namespace hybrid::detail {

class scheduler;

struct debug_table {
  std::uint32_t version = 1;
  std::uint32_t pointer_size = sizeof(void*);
  const void* scheduler = nullptr;  // the running world, or null between runs

  // scheduler
  std::uint32_t sched_stacks = 0;    // stack_pool
  std::uint32_t sched_carriers = 0;  // std::vector<std::unique_ptr<carrier>>
  // stack_pool
  std::uint32_t pool_slabs = 0;       // std::vector<slab>
  std::uint32_t pool_stack_size = 0;  // std::size_t
  std::uint32_t slab_bytes_size = 0;  // sizeof(slab)
  std::uint32_t slab_base = 0;        // char*
  std::uint32_t slab_carved = 0;      // std::size_t
  std::uint32_t control_footprint = 0;
  // carrier, worker
  std::uint32_t carrier_current = 0;  // thread_control*
  std::uint32_t carrier_held = 0;     // worker*
  std::uint32_t worker_index = 0;     // unsigned
  // thread_control
  std::uint32_t thread_id = 0;    // std::uint64_t
  std::uint32_t thread_name = 0;  // char[thread_name_size], NUL-terminated
  std::uint32_t thread_name_size = 0;
  std::uint32_t thread_state = 0;           // std::uint8_t: an index into state_names
  std::uint32_t thread_waiting_on = 0;      // std::uint8_t: an index into wait_names
  std::uint32_t thread_waiting_detail = 0;  // std::uint64_t: the joined id, or the fd
  std::uint32_t thread_context = 0;         // fcontext_t: where a parked thread resumes
  // names of thread_state and wait_reason values, as the deadlock report prints them
  static constexpr unsigned max_names = 16;
  const char* state_names[max_names] = {};
  const char* wait_names[max_names] = {};
};

// publish_debug_table(s) / retract_debug_table() — fill the table for the world s, or clear it.
void publish_debug_table(const scheduler& s) noexcept;
void retract_debug_table() noexcept;

}  // namespace hybrid::detail

// hybrid_debug — the table, under a C name a debugger finds in the symbol table.
extern "C" hybrid::detail::debug_table hybrid_debug;
