// green_threads/src/overflow.hpp — reporting a stack overflow: the header at the top of every
// pooled stack, the table of guarded slabs, and the SIGSEGV handler that reads both.
//
// A pooled stack (stack.cpp) is `stack_size` bytes carved from a slab:
//
//   low  [ guard page, PROT_NONE | Boost's frames ... context record | stack_header ]  high
//
// A fiber that overflows pushes into the guard page and the kernel raises SIGSEGV on its kernel
// thread, which has no stack left to run a handler on: so every kernel thread of a world runs
// fibers with an alternate signal stack (alt_signal_stack), and the handler is installed with
// SA_ONSTACK (overflow_handler, for as long as any world runs). The handler cannot ask Boost
// which fiber is running (nothing in Boost.Fiber is async-signal-safe), so it goes from the
// fault address instead: the table of guarded slabs says which stack holds that address, and
// that stack's header whether the address is in its guard page and which fiber runs on it.
// Everything it reads is plain memory of mapped slabs or lock-free atomics of a static table;
// it calls only write and abort.
//
// Threads: the table is written under a mutex by the pools (any kernel thread) and read without
// one by the handler; a slot's fields are atomics, published by the release store of its base.
// A stack's header is written by the pool that owns the stack (under its lock when shared)
// before the stack is handed to Boost; the handler reads it on the kernel thread running that
// stack's fiber, which the ready queue's or the spawning thread's ordering already covers.
#pragma once

#include <signal.h>

#include <cstddef>
#include <cstdint>

namespace green_threads::detail {

// stack_header — the top header_bytes of a pooled stack.
struct stack_header {
  // id — the fiber's spawn number in its world (1: the body). Written by every allocate.
  std::uint64_t id;
  // guard — bytes of PROT_NONE guard page at the stack's low end; 0: none. Written once, when
  // the stack is carved.
  std::size_t guard;
};
inline constexpr std::size_t header_bytes = 64;  // a cache line; Boost's record starts below
static_assert(sizeof(stack_header) <= header_bytes);

// header_of(stack, stack_size) — the header of the stack whose lowest byte is `stack`.
inline stack_header* header_of(char* stack, std::size_t stack_size) noexcept {
  return reinterpret_cast<stack_header*>(stack + stack_size - header_bytes);
}

// max_guarded_slabs — slots in the table of guarded slabs, for the whole process. A pool's
// slabs hold up to 64 MiB of stacks, so the default guard budget (about 24,500 stacks) needs
// 16 slabs of 32 KiB stacks, and 400 of 1 MiB ones: 4,096 leaves room for many worlds at once.
// A slab that finds the table full gets no guard pages (as if the budget were spent).
inline constexpr std::size_t max_guarded_slabs = 4096;

// register_guarded_slab(base, bytes, stack_size) — make a slab's guard pages known to the
// handler: returns its slot, or -1 when the table is full. Any thread.
int register_guarded_slab(char* base, std::size_t bytes, std::size_t stack_size) noexcept;

// unregister_guarded_slab(slot) — forget it; call before unmapping the slab. Any thread.
void unregister_guarded_slab(int slot) noexcept;

// overflow_handler — RAII, for the length of a world: a SIGSEGV handler, run on the alternate
// signal stack, that recognizes a fault in a guard page of a registered slab, prints
// "green_threads: stack overflow in thread #N (unnamed)" and aborts. Other faults go to the
// handler installed before the first overflow_handler (its sa_sigaction or sa_handler), or take
// the default action. Worlds may overlap: the first installs, the last restores.
class overflow_handler {
 public:
  overflow_handler();
  ~overflow_handler();
  overflow_handler(const overflow_handler&) = delete;
  overflow_handler& operator=(const overflow_handler&) = delete;
};

// alt_signal_stack — RAII: gives the calling kernel thread an alternate signal stack, so that
// the SIGSEGV handler can run when the fault is a stack overflow. Every kernel thread that runs
// fibers holds one for the world's length; the destructor puts back the thread's previous one.
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

}  // namespace green_threads::detail
