// bench/run/interruption.cpp — the interrupt handler and its self-pipe. See interruption.hpp.
#include "bench/run/interruption.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace threadlab {

namespace {

// Written by the handler, read by the harness's one thread: sig_atomic_t is what a handler may
// write; the pipe's byte is what wakes a poll() that started before the flag was set.
volatile std::sig_atomic_t caught = 0;
int pipe_read = -1;
int pipe_write = -1;
struct sigaction previous_int {};
struct sigaction previous_term {};

void on_interrupt(int sig) {
  if (caught != 0) {
    // The second one: the user insists. Default action, then the signal again.
    std::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  caught = sig;
  const int saved = errno;  // a handler must leave errno as it found it
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(pipe_write, &byte, 1);
  errno = saved;
}

}  // namespace

interrupt_scope::interrupt_scope() {
  assert(pipe_read < 0 && "interrupt_scope: scopes do not nest");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    pipe_read = fds[0];
    pipe_write = fds[1];
  }
  caught = 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR and the caller looks
  ::sigaction(SIGINT, &sa, &previous_int);
  ::sigaction(SIGTERM, &sa, &previous_term);
}

interrupt_scope::~interrupt_scope() {
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::sigaction(SIGTERM, &previous_term, nullptr);
  if (pipe_read >= 0) {
    ::close(pipe_read);
    ::close(pipe_write);
  }
  pipe_read = pipe_write = -1;
  caught = 0;
}

int interrupt_signal() noexcept { return caught; }

int interrupt_fd() noexcept { return pipe_read; }

std::string signal_abbreviation(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return "SIG" + (abbrev != nullptr ? std::string(abbrev) : std::to_string(sig));
}

}  // namespace threadlab
