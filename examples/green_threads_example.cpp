// examples/green_threads_example.cpp — N:1. The same program as kernel_threads_example.cpp:
// a producer sends 1..1000 over a bounded channel, three consumers sum them, and a monitor
// waits until it is asked to stop. Here every thread is a Boost.Fiber fiber on ONE kernel
// thread; a blocked pop switches to another fiber.
#include <cstdio>
#include <stop_token>
#include <vector>

#include "green_threads/channel.hpp"
#include "green_threads/runtime.hpp"
#include "green_threads/thread.hpp"

int main() {
  long total = 0;
  bool monitor_stopped = false;
  green_threads::run(green_threads::options{}, [&] {
    green_threads::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<green_threads::thread> consumers;
    for (auto& sum : sums) {
      consumers.push_back(green_threads::spawn([&numbers, &sum] {
        while (auto n = numbers.pop()) sum += *n;  // parks this fiber, not the kernel thread
      }));
    }
    // Ending a thread: cooperative, with std::stop_token. A function that takes a token gets
    // one; request_stop() triggers it, and a stoppable wait (here pop) returns std::nullopt.
    green_threads::channel<int> alarms(1);
    green_threads::thread monitor = green_threads::spawn([&](std::stop_token token) {
      while (alarms.pop(token)) {
      }
      monitor_stopped = token.stop_requested();
    });
    for (int n = 1; n <= 1000; ++n) numbers.push(n);
    numbers.close();  // consumers drain what is left, then pop returns nullopt
    for (auto& c : consumers) c.join();
    monitor.request_stop();
    monitor.join();
    for (long sum : sums) total += sum;
  });
  std::printf("green_threads: sum = %ld, monitor stopped: %s\n", total,
              monitor_stopped ? "yes" : "no");
  return total == 500500 && monitor_stopped ? 0 : 1;
}
