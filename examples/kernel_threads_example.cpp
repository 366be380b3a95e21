// examples/kernel_threads_example.cpp — 1:1. The same program as green_threads_example.cpp and
// hybrid_example.cpp: a producer sends 1..1000 over a bounded channel, three consumers sum
// them, and a monitor waits until it is asked to stop. Here every thread is a kernel thread:
// pthread_create, an 8 MiB stack, futex waits.
#include <cstdio>
#include <stop_token>
#include <vector>

#include "kernel_threads/channel.hpp"
#include "kernel_threads/runtime.hpp"
#include "kernel_threads/thread.hpp"

int main() {
  long total = 0;
  bool monitor_stopped = false;
  kernel_threads::run(kernel_threads::options{}, [&] {
    kernel_threads::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<kernel_threads::thread> consumers;
    for (auto& sum : sums) {
      consumers.push_back(kernel_threads::spawn([&numbers, &sum] {
        while (auto n = numbers.pop()) sum += *n;  // blocks this kernel thread in a futex
      }));
    }
    // Ending a thread: cooperative, with std::stop_token. A function that takes a token gets
    // one; request_stop() triggers it, and a stoppable wait (here pop) returns std::nullopt.
    kernel_threads::channel<int> alarms(1);
    kernel_threads::thread monitor = kernel_threads::spawn([&](std::stop_token token) {
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
  std::printf("kernel_threads: sum = %ld, monitor stopped: %s\n", total,
              monitor_stopped ? "yes" : "no");
  return total == 500500 && monitor_stopped ? 0 : 1;
}
