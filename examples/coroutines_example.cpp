// examples/coroutines_example.cpp — stackless M:N. The same program as
// kernel_threads_example.cpp: a producer sends 1..1000 over a bounded channel, three consumers
// sum them, and a monitor waits until it is asked to stop. Here every thread is a C++20
// coroutine that any of two kernel workers may resume; every wait is a co_await, which
// suspends the coroutine and lets its worker resume another one.
#include <cstdio>
#include <stop_token>
#include <vector>

#include "coroutines/channel.hpp"
#include "coroutines/runtime.hpp"
#include "coroutines/thread.hpp"

int main() {
  long total = 0;
  bool monitor_stopped = false;
  coroutines::run(coroutines::options{.workers = 2}, [&]() -> coroutines::task<void> {
    coroutines::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<coroutines::join_handle<void>> consumers;
    for (auto& sum : sums) {
      consumers.push_back(coroutines::spawn([&numbers, &sum]() -> coroutines::task<void> {
        while (auto n = co_await numbers.pop()) sum += *n;  // suspends the coroutine only
      }));
    }
    // Ending a thread: cooperative, with std::stop_token. A function that takes a token gets
    // one; request_stop() triggers it, and a stoppable wait (here pop) returns std::nullopt.
    coroutines::channel<int> alarms(1);
    coroutines::join_handle<void> monitor =
        coroutines::spawn([&](std::stop_token token) -> coroutines::task<void> {
          while (co_await alarms.pop(token)) {
          }
          monitor_stopped = token.stop_requested();
        });
    for (int n = 1; n <= 1000; ++n) co_await numbers.push(n);
    numbers.close();  // consumers drain what is left, then pop returns nullopt
    for (auto& c : consumers) co_await c.join();
    monitor.request_stop();
    co_await monitor.join();
    for (long sum : sums) total += sum;
  });
  std::printf("coroutines: sum = %ld, monitor stopped: %s\n", total,
              monitor_stopped ? "yes" : "no");
  return total == 500500 && monitor_stopped ? 0 : 1;
}
