// examples/hybrid_example.cpp — M:N. The same program as kernel_threads_example.cpp: a
// producer sends 1..1000 over a bounded channel, three consumers sum them, and a monitor waits
// until it is asked to stop. Here every thread is a green thread that any of two kernel
// workers may run; a blocked pop parks the green thread and its worker runs another one.
#include <cstdio>
#include <stop_token>
#include <vector>

#include "hybrid/channel.hpp"
#include "hybrid/runtime.hpp"
#include "hybrid/thread.hpp"

int main() {
  long total = 0;
  bool monitor_stopped = false;
  hybrid::run(hybrid::options{.workers = 2}, [&] {
    hybrid::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<hybrid::thread> consumers;
    for (auto& sum : sums) {
      consumers.push_back(hybrid::spawn([&numbers, &sum] {
        while (auto n = numbers.pop()) sum += *n;  // parks this green thread, not the worker
      }));
    }
    // Ending a thread: cooperative, with std::stop_token. A function that takes a token gets
    // one; request_stop() triggers it, and a stoppable wait (here pop) returns std::nullopt.
    hybrid::channel<int> alarms(1);
    hybrid::thread monitor = hybrid::spawn([&](std::stop_token token) {
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
  std::printf("hybrid: sum = %ld, monitor stopped: %s\n", total, monitor_stopped ? "yes" : "no");
  return total == 500500 && monitor_stopped ? 0 : 1;
}
