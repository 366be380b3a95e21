// tests/hybrid/gdb_target.cpp — a program that stops itself with two green threads parked, for
// the gdb helper's test (tests/hybrid/gdb_helper_test.sh, scripts/gdb/hybrid.py).
//
// On one worker, the body takes a mutex, spawns "consumer" (waits on an empty channel) and
// "locker" (waits for that mutex), yields until both have parked, and raises SIGTRAP: under gdb
// the process stops there with the world as described; the test lists it and prints the
// consumer's backtrace, which must name wait_for_a_message. Run without a debugger, SIGTRAP
// ends the program: it is not meant to be run alone.
#include <csignal>

#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

namespace {

// The frames the backtrace must show: not inlined, and not tail calls (the empty asm after).
[[gnu::noinline]] void wait_for_a_message(hybrid::channel<int>& inbox) {
  (void)inbox.pop();
  asm volatile("" ::: "memory");
}

[[gnu::noinline]] void wait_for_the_lock(hybrid::mutex& m) {
  m.lock();
  m.unlock();
  asm volatile("" ::: "memory");
}

[[gnu::noinline]] void stop_for_debugger() {
  std::raise(SIGTRAP);
  asm volatile("" ::: "memory");
}

}  // namespace

int main() {
  hybrid::options o;
  o.workers = 1;
  hybrid::run(o, [] {
    hybrid::channel<int> inbox(1);
    hybrid::mutex m;
    m.lock();
    hybrid::thread consumer =
        hybrid::spawn(hybrid::spawn_options{"consumer"}, [&] { wait_for_a_message(inbox); });
    hybrid::thread locker =
        hybrid::spawn(hybrid::spawn_options{"locker"}, [&] { wait_for_the_lock(m); });
    for (int i = 0; i < 10; ++i) hybrid::this_thread::yield();  // one worker: both run and park
    stop_for_debugger();
    // Continued in the debugger: let both finish, so the program ends cleanly.
    inbox.push(1);
    m.unlock();
    consumer.join();
    locker.join();
  });
  return 0;
}
