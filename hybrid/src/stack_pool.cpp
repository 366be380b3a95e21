// hybrid/src/stack_pool.cpp — pooled, guarded stacks and the stack-overflow report.
#include "stack_pool.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace hybrid::detail {

namespace {
std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// reservoir — what the last run left mapped for the next: whole slabs, and the stacks carved
// from them (their bases and guard sizes). Runs do not overlap (hybrid::run), so one run's
// pool hands it to the next; the mutex only makes that hand-over obviously safe.
struct kept_stack {
  char* base;
  std::size_t guard;
};
struct kept_slab {
  char* base;
  std::size_t bytes;
  std::vector<kept_stack> stacks;  // carved from it, in order
};
struct reservoir {
  std::mutex mutex;
  std::size_t stack_size = 0;
  std::vector<kept_slab> slabs;
};
reservoir& kept() {
  static reservoir* r = new reservoir;  // never destroyed: its mappings end with the process
  return *r;
}
}  // namespace

stack_pool::stack_pool(std::size_t stack_size)
    : page_size_(static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))) {
  stack_size_ = round_up(stack_size, page_size_);
  // Each guard page splits its slab: two kernel VMAs per guarded stack. Leave 16,384 VMAs to
  // the rest of the process (libraries, malloc, kernel threads' stacks, our slabs).
  std::size_t max_map_count = 65530;
  if (std::FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
    unsigned long v = 0;
    if (std::fscanf(f, "%lu", &v) == 1) max_map_count = v;
    std::fclose(f);
  }
  guard_budget_ = max_map_count > 16384 ? (max_map_count - 16384) / 2 : 0;

  // What the previous run kept: its stacks are free stacks of this pool from the start (not
  // counted in stacks_mapped()); a different stack size gives them back to the kernel.
  reservoir& r = kept();
  const std::lock_guard<std::mutex> lock(r.mutex);
  if (r.stack_size != stack_size_) {
    for (const kept_slab& k : r.slabs) ::munmap(k.base, k.bytes);
    r.slabs.clear();
    r.stack_size = stack_size_;
    return;
  }
  const os_lock g(mutex_);
  for (const kept_slab& k : r.slabs) {
    slabs_.push_back(slab{k.base, k.bytes, k.stacks.size()});
    for (const kept_stack& st : k.stacks) {
      free_.push_back(make_control(st.base, st.guard));
      if (st.guard == 0) ++unguarded_;
    }
    carved_ += k.stacks.size();
  }
  inherited_ = carved_;
  r.slabs.clear();
}

stack_pool::~stack_pool() {
  const std::size_t keep = keep_ ? std::min(reservoir_slabs, slabs_.size()) : 0;
  reservoir& r = kept();
  const std::lock_guard<std::mutex> lock(r.mutex);
  for (std::size_t i = 0; i < slabs_.size(); ++i) {
    const slab& s = slabs_[i];
    if (i < keep) r.slabs.push_back(kept_slab{s.base, s.size, {}});
    for (std::size_t k = 0; k < s.carved; ++k) {
      char* base = s.base + k * stack_size_;
      thread_control* t = control_of(base);
      if (i < keep) r.slabs.back().stacks.push_back(kept_stack{base, t->guard_size});
      // A thread still blocked at a deadlock is not unwound: its frames and function object
      // are simply unmapped (its control block's own members are destroyed like any other's).
      t->~thread_control();
    }
    if (i >= keep) ::munmap(s.base, s.size);
  }
}

void stack_pool::keep_for_next_run() noexcept { keep_ = true; }

thread_control* stack_pool::control_of(char* base) const noexcept {
  return std::launder(reinterpret_cast<thread_control*>(base + stack_size_ - control_footprint));
}

thread_control* stack_pool::make_control(char* base, std::size_t guard) noexcept {
  auto* t = ::new (base + stack_size_ - control_footprint) thread_control;
  t->stack_base = base;
  t->stack_size = stack_size_;
  t->guard_size = guard;
  return t;
}

thread_control* stack_pool::map_stack() {
  const os_lock g(mutex_);
  if (slab_next_ == slab_end_) {
    // A new slab of slab_bytes: one mapping (one VMA until guard pages split it) for many
    // stacks, so that stacks beyond vm.max_map_count / 2 still fit (unguarded).
    std::size_t bytes = std::max(slab_bytes, stack_size_);
    bytes = bytes / stack_size_ * stack_size_;
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      throw std::system_error(e, std::generic_category(),
                              "hybrid: mmap of " + std::to_string(bytes / 1024) +
                                  " KiB of thread stacks failed after " + std::to_string(carved_) +
                                  " stacks (limit hit: address space or vm.max_map_count)");
    }
    slabs_.push_back(slab{static_cast<char*>(p), bytes, 0});
    slab_next_ = static_cast<char*>(p);
    slab_end_ = slab_next_ + bytes;
  }
  char* base = slab_next_;
  slab_next_ += stack_size_;
  std::size_t guard = 0;
  if (carved_ - unguarded_ < guard_budget_ && ::mprotect(base, page_size_, PROT_NONE) == 0) {
    guard = page_size_;
  }
  thread_control* t = make_control(base, guard);
  ++carved_;
  ++slabs_.back().carved;
  static std::atomic<bool> warned{false};  // once per process, not per run
  if (guard == 0 && unguarded_++ == 0 && !warned.exchange(true, std::memory_order_relaxed)) {
    std::fprintf(stderr,
                 "hybrid: warning: %zu guarded stacks use the share of vm.max_map_count set aside "
                 "for them; stacks mapped from now on have no guard page\n",
                 carved_ - 1);
  }
  return t;
}

thread_control* stack_pool::acquire_slow(stack_cache& cache) {
  std::vector<thread_control*>& mine = cache.stacks;
  {
    const os_lock g(mutex_);
    std::size_t n = std::min(refill_batch, free_.size());
    mine.insert(mine.end(), free_.end() - static_cast<std::ptrdiff_t>(n), free_.end());
    free_.resize(free_.size() - n);
  }
  if (!mine.empty()) {
    thread_control* t = mine.back();
    mine.pop_back();
    return t;
  }
  return map_stack();
}

void stack_pool::release_slow(stack_cache& cache, thread_control* t) noexcept {
  // Too many idle stacks here: give the older half back so other workers can use them.
  std::vector<thread_control*>& mine = cache.stacks;
  const os_lock g(mutex_);
  std::size_t n = mine.size() / 2;
  try {
    free_.insert(free_.end(), mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(n));
    mine.erase(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(n));
  } catch (...) {
    // Out of memory for the pool's array: keep the stack out of circulation (it is still
    // unmapped with the pool at the end of the run).
    return;
  }
  mine.push_back(t);
}

void stack_pool::for_each_stack(const std::function<void(thread_control*)>& fn) {
  const os_lock g(mutex_);
  for (const slab& s : slabs_) {
    for (std::size_t k = 0; k < s.carved; ++k) fn(control_of(s.base + k * stack_size_));
  }
}

std::uint64_t stack_pool::stacks_mapped() const noexcept {
  const os_lock g(mutex_);
  return carved_ - inherited_;
}

std::uint64_t stack_pool::unguarded_stacks() const noexcept {
  const os_lock g(mutex_);
  return unguarded_;
}

// ---- stack overflow ----------------------------------------------------------------------

namespace {
struct sigaction previous_segv;
struct sigaction previous_bus;

// write_all(s) — async-signal-safe output.
void write_all(const char* s, std::size_t n) noexcept {
  while (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  thread_control* t = running_thread_for_signal();
  auto* addr = static_cast<char*>(info->si_addr);
  if (t && t->guard_size > 0 && addr >= t->stack_base && addr < t->stack_base + t->guard_size) {
    char buf[128];
    char digits[24];
    int nd = 0;
    std::uint64_t id = t->id;
    do {
      digits[nd++] = static_cast<char>('0' + id % 10);
      id /= 10;
    } while (id > 0);
    std::size_t n = 0;
    const char* head = "hybrid: stack overflow in thread #";
    for (const char* p = head; *p; ++p) buf[n++] = *p;
    while (nd > 0) buf[n++] = digits[--nd];
    buf[n++] = ' ';
    buf[n++] = '(';
    const char* name = t->name[0] ? t->name : "unnamed";
    for (const char* p = name; *p && n < sizeof buf - 4; ++p) buf[n++] = *p;
    buf[n++] = ')';
    buf[n++] = '\n';
    write_all(buf, n);
    ::abort();
  }
  // Not ours: hand the fault to whoever handled it before, or take the default action.
  const struct sigaction& prev = sig == SIGSEGV ? previous_segv : previous_bus;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) {
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
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = &on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGSEGV, &sa, &previous_segv);
  ::sigaction(SIGBUS, &sa, &previous_bus);
}

overflow_handler::~overflow_handler() {
  ::sigaction(SIGSEGV, &previous_segv, nullptr);
  ::sigaction(SIGBUS, &previous_bus, nullptr);
}

alt_signal_stack::alt_signal_stack() {
  ::sigaltstack(nullptr, &previous_);
  size_ = 64 * 1024;
  void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;  // no alternate stack: overflows then die without the message
  memory_ = p;
  stack_t ss;
  ss.ss_sp = p;
  ss.ss_size = size_;
  ss.ss_flags = 0;
  ::sigaltstack(&ss, nullptr);
}

alt_signal_stack::~alt_signal_stack() {
  if (!memory_) return;
  ::sigaltstack(&previous_, nullptr);  // the caller's own alternate stack, or none
  ::munmap(memory_, size_);
}

}  // namespace hybrid::detail
