// examples/green_threads_example.cpp — N:1. The same program as kernel_threads_example.cpp:
// a producer sends 1..1000 over a bounded channel, three consumers sum them. Here every thread
// is a Boost.Fiber fiber on ONE kernel thread; a blocked pop switches to another fiber.
#include <cstdio>
#include <vector>

#include "green_threads/channel.hpp"
#include "green_threads/runtime.hpp"
#include "green_threads/thread.hpp"

int main() {
  long total = 0;
  green_threads::run(green_threads::options{}, [&] {
    green_threads::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<green_threads::thread> consumers;
    for (auto& sum : sums) {
      consumers.push_back(green_threads::spawn([&numbers, &sum] {
        while (auto n = numbers.pop()) sum += *n;  // parks this fiber, not the kernel thread
      }));
    }
    for (int n = 1; n <= 1000; ++n) numbers.push(n);
    numbers.close();
    for (auto& c : consumers) c.join();
    for (long sum : sums) total += sum;
  });
  std::printf("green_threads: sum = %ld\n", total);
  return total == 500500 ? 0 : 1;
}
