// examples/kernel_threads_example.cpp — 1:1. The same program as green_threads_example.cpp and
// hybrid_example.cpp: a producer sends 1..1000 over a bounded channel, three consumers sum them.
// Here every thread is a kernel thread: pthread_create, an 8 MiB stack, futex waits.
#include <cstdio>
#include <vector>

#include "kernel_threads/channel.hpp"
#include "kernel_threads/runtime.hpp"
#include "kernel_threads/thread.hpp"

int main() {
  long total = 0;
  kernel_threads::run([&] {
    kernel_threads::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<kernel_threads::thread> consumers;
    for (auto& sum : sums) {
      consumers.emplace_back([&numbers, &sum] {
        while (auto n = numbers.pop()) sum += *n;  // blocks this kernel thread in a futex
      });
    }
    for (int n = 1; n <= 1000; ++n) numbers.push(n);
    numbers.close();  // consumers drain what is left, then pop returns nullopt
    for (auto& c : consumers) c.join();
    for (long sum : sums) total += sum;
  });
  std::printf("kernel_threads: sum = %ld\n", total);
  return total == 500500 ? 0 : 1;
}
