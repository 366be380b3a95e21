// examples/hybrid_example.cpp — M:N. The same program as kernel_threads_example.cpp: a
// producer sends 1..1000 over a bounded channel, three consumers sum them. Here every thread is
// a green thread that any of two kernel workers may run; a blocked pop parks the green thread
// and its worker runs another one.
#include <cstdio>
#include <vector>

#include "hybrid/channel.hpp"
#include "hybrid/runtime.hpp"
#include "hybrid/thread.hpp"

int main() {
  long total = 0;
  hybrid::run(hybrid::options{.workers = 2}, [&] {
    hybrid::channel<int> numbers(16);
    std::vector<long> sums(3, 0);
    std::vector<hybrid::thread> consumers;
    for (auto& sum : sums) {
      consumers.push_back(hybrid::spawn([&numbers, &sum] {
        while (auto n = numbers.pop()) sum += *n;  // parks this green thread, not the worker
      }));
    }
    for (int n = 1; n <= 1000; ++n) numbers.push(n);
    numbers.close();
    for (auto& c : consumers) c.join();
    for (long sum : sums) total += sum;
  });
  std::printf("hybrid: sum = %ld\n", total);
  return total == 500500 ? 0 : 1;
}
