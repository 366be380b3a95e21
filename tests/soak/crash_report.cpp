// tests/soak/crash_report.cpp — the soak's crash handler (crash_report.hpp).
#include "crash_report.hpp"

#include <execinfo.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace threadlab::soak {
namespace {

// The text the handler writes, prepared outside it (formatting is not async-signal-safe). Two
// buffers, so that the one the handler may be reading is never the one being written:
// current_ says which is complete.
char texts[2][512];
std::atomic<int> current_{-1};
const char* program_ = "threadlab-soak";

void write_all(const char* s, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t w = ::write(STDOUT_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void on_crash(int sig, siginfo_t*, void*) {
  char head[64];
  // Only digits: a fixed prefix and the signal number, built by hand.
  const char* prefix = "crash: signal ";
  std::size_t n = 0;
  for (const char* p = prefix; *p; ++p) head[n++] = *p;
  if (sig >= 10) head[n++] = static_cast<char>('0' + sig / 10);
  head[n++] = static_cast<char>('0' + sig % 10);
  write_all(head, n);
  const int which = current_.load(std::memory_order_acquire);
  if (which >= 0) {
    write_all(texts[which], std::strlen(texts[which]));
  } else {
    write_all(" before the first round\n", 24);
  }
  const char* bt = "crash: backtrace of the faulting thread:\n";
  write_all(bt, std::strlen(bt));
  void* frames[48];
  const int depth = ::backtrace(frames, 48);
  ::backtrace_symbols_fd(frames, depth, STDOUT_FILENO);
  // The default action from now on, and the signal again: the process dies of it.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void install_crash_report(const char* program) {
  program_ = program;
  void* warm[1];
  ::backtrace(warm, 1);  // loads the unwinder now: its first use may allocate
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = &on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::sigaction(sig, &sa, nullptr);
}

void crash_report_round(std::string_view model, std::uint64_t seed, unsigned workers) {
  const int next = current_.load(std::memory_order_relaxed) == 0 ? 1 : 0;
  const std::string m(model);
  std::snprintf(texts[next], sizeof texts[next],
                " in a round of model=%s seed=%llu workers=%u\nreplay: %s --seed %llu --model %s\n",
                m.c_str(), static_cast<unsigned long long>(seed), workers, program_,
                static_cast<unsigned long long>(seed), m.c_str());
  current_.store(next, std::memory_order_release);  // pairs with the handler's acquire
}

}  // namespace threadlab::soak
