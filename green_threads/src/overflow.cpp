// green_threads/src/overflow.cpp — the table of guarded slabs and the stack-overflow report
// (overflow.hpp has the design).
#include "overflow.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace green_threads::detail {

namespace {

// guarded_slab — one slot of the table. base == nullptr: free. The writer stores bytes and
// stack_size, then base (release); the handler loads base (acquire), then the others.
struct guarded_slab {
  std::atomic<char*> base{nullptr};
  std::atomic<std::size_t> bytes{0};
  std::atomic<std::size_t> stack_size{0};
};
static_assert(std::atomic<char*>::is_always_lock_free);  // the handler may read them
static_assert(std::atomic<std::size_t>::is_always_lock_free);

std::array<guarded_slab, max_guarded_slabs> slabs;  // static storage: never destroyed
// slots_used — slots below it may be in use; only grows. Release: pairs with the handler's
// acquire, so that a slot below it has been initialized before the handler scans it.
std::atomic<std::size_t> slots_used{0};
std::mutex table_mutex;  // serializes writers; never taken by the handler

}  // namespace

int register_guarded_slab(char* base, std::size_t bytes, std::size_t stack_size) noexcept {
  const std::lock_guard lock(table_mutex);
  // relaxed: slots_used is only written under table_mutex.
  const std::size_t used = slots_used.load(std::memory_order_relaxed);
  std::size_t i = 0;
  while (i < used && slabs[i].base.load(std::memory_order_relaxed) != nullptr) ++i;
  if (i == max_guarded_slabs) return -1;
  slabs[i].bytes.store(bytes, std::memory_order_relaxed);
  slabs[i].stack_size.store(stack_size, std::memory_order_relaxed);
  // release: publishes bytes and stack_size; pairs with the acquire load in find_guard.
  slabs[i].base.store(base, std::memory_order_release);
  // release: pairs with the acquire load of slots_used in find_guard.
  if (i == used) slots_used.store(used + 1, std::memory_order_release);
  return static_cast<int>(i);
}

void unregister_guarded_slab(int slot) noexcept {
  if (slot < 0) return;
  const std::lock_guard lock(table_mutex);
  // relaxed: a handler still scanning this slot either sees the slab (its stacks are not in use
  // any more: a guard fault there is not a running fiber's) or sees it gone.
  slabs[static_cast<std::size_t>(slot)].base.store(nullptr, std::memory_order_relaxed);
}

namespace {

// find_guard(addr) — the header of the stack whose guard page holds addr, or nullptr.
// Async-signal-safe: atomic loads and reads of a mapped slab.
const stack_header* find_guard(const char* addr) noexcept {
  const std::size_t used = slots_used.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < used; ++i) {
    char* base = slabs[i].base.load(std::memory_order_acquire);
    if (base == nullptr || addr < base) continue;
    const std::size_t offset = static_cast<std::size_t>(addr - base);
    if (offset >= slabs[i].bytes.load(std::memory_order_relaxed)) continue;
    const std::size_t stack_size = slabs[i].stack_size.load(std::memory_order_relaxed);
    char* stack = base + offset / stack_size * stack_size;
    const stack_header* h = header_of(stack, stack_size);
    return offset % stack_size < h->guard ? h : nullptr;
  }
  return nullptr;
}

struct sigaction previous_segv;  // written by the first overflow_handler, under install_mutex
std::mutex install_mutex;
unsigned installed = 0;  // overflow_handlers alive; guarded by install_mutex

// write_all(s, n) — async-signal-safe output to stderr.
void write_all(const char* s, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

// report(id) — "green_threads: stack overflow in thread #ID (unnamed)", without allocating.
void report(std::uint64_t id) noexcept {
  char buf[96];
  std::size_t n = 0;
  for (const char* p = "green_threads: stack overflow in thread #"; *p; ++p) buf[n++] = *p;
  char digits[24];
  int nd = 0;
  do {
    digits[nd++] = static_cast<char>('0' + id % 10);
    id /= 10;
  } while (id > 0);
  while (nd > 0) buf[n++] = digits[--nd];
  for (const char* p = " (unnamed)\n"; *p; ++p) buf[n++] = *p;
  write_all(buf, n);
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  if (const stack_header* h = find_guard(static_cast<const char*>(info->si_addr))) {
    report(h->id);
    ::abort();
  }
  // Not ours: hand the fault to whoever handled it before, or take the default action.
  const struct sigaction& prev = previous_segv;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction != nullptr) {
      prev.sa_sigaction(sig, info, uctx);
      return;
    }
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  ::signal(sig, SIG_DFL);  // returning re-executes the access and dies with the signal
}

}  // namespace

overflow_handler::overflow_handler() {
  const std::lock_guard lock(install_mutex);
  if (installed++ > 0) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = &on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGSEGV, &sa, &previous_segv);
  // Another module's handler may have saved ours and put it back after the last world here
  // ended: chaining to ourselves would loop, so "before us" is then the default action.
  if ((previous_segv.sa_flags & SA_SIGINFO) && previous_segv.sa_sigaction == &on_fault) {
    std::memset(&previous_segv, 0, sizeof previous_segv);
    previous_segv.sa_handler = SIG_DFL;
  }
}

overflow_handler::~overflow_handler() {
  const std::lock_guard lock(install_mutex);
  if (--installed > 0) return;
  ::sigaction(SIGSEGV, &previous_segv, nullptr);
}

alt_signal_stack::alt_signal_stack() {
  ::sigaltstack(nullptr, &previous_);
  size_ = 64 * 1024;  // the handler needs little; sanitizers' instrumentation more
  void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;  // no alternate stack: an overflow then dies without the message
  memory_ = p;
  stack_t ss;
  ss.ss_sp = p;
  ss.ss_size = size_;
  ss.ss_flags = 0;
  ::sigaltstack(&ss, nullptr);
}

alt_signal_stack::~alt_signal_stack() {
  if (memory_ == nullptr) return;
  // The thread's previous alternate stack, or none (a disabled stack_t turns it off).
  ::sigaltstack(&previous_, nullptr);
  ::munmap(memory_, size_);
}

}  // namespace green_threads::detail
