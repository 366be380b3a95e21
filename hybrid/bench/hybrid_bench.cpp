// hybrid/bench/hybrid_bench.cpp — quick numbers for the hybrid scheduler, beside a bare
// Boost.Context switch (the floor). Not a test; build with -O2: `hybrid_bench [workers]`.
#include <boost/context/fiber.hpp>

#include <sys/resource.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <hybrid/channel.hpp>
#include <hybrid/runtime.hpp>
#include <hybrid/sync.hpp>
#include <hybrid/thread.hpp>

namespace {
using clk = std::chrono::steady_clock;
double ns_since(clk::time_point t0) {
  return std::chrono::duration<double, std::nano>(clk::now() - t0).count();
}

double bare_switch(int n) {
  namespace ctx = boost::context;
  int count = 0;
  ctx::fiber f{[&](ctx::fiber&& back) {
    for (;;) {
      ++count;
      back = std::move(back).resume();
    }
    return std::move(back);
  }};
  f = std::move(f).resume();
  auto t0 = clk::now();
  for (int i = 0; i < n; ++i) f = std::move(f).resume();
  double ns = ns_since(t0) / (2.0 * n);
  // Leave the fiber suspended: unwinding it is not what we measure.
  static ctx::fiber keep;
  keep = std::move(f);
  return ns;
}

long skynet(long id, int depth) {
  if (depth == 0) return id;
  hybrid::channel<long> results(10);
  std::vector<hybrid::thread> kids;
  kids.reserve(10);
  for (int i = 0; i < 10; ++i) {
    kids.push_back(
        hybrid::spawn([&results, id, i, depth] { results.push(skynet(id * 10 + i, depth - 1)); }));
  }
  long sum = 0;
  for (int i = 0; i < 10; ++i) sum += *results.pop();
  for (auto& k : kids) k.join();
  return sum;
}
long rss_kib() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long pages_total = 0, pages_rss = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_rss) != 2) pages_rss = 0;
    std::fclose(f);
  }
  return pages_rss * 4;
}

double compute(long n) {
  double x = 0;
  for (long i = 1; i <= n; ++i) x += 1.0 / static_cast<double>(i * i);
  return x;
}

double parallel_seconds(unsigned workers) {
  hybrid::options o;
  o.workers = workers;
  double seconds = 0;
  hybrid::run(o, [&] {
    auto t0 = clk::now();
    std::vector<hybrid::thread> ts;
    std::vector<double> out(16);
    for (int i = 0; i < 16; ++i)
      ts.push_back(hybrid::spawn([&out, i] { out[i] = compute(20'000'000); }));
    for (auto& t : ts) t.join();
    seconds = ns_since(t0) / 1e9;
    if (out[3] < 1.0) std::printf("?\n");
  });
  return seconds;
}
}  // namespace

int main(int argc, char** argv) {
  unsigned workers = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 2;
  hybrid::options o;
  o.workers = workers;
  std::printf("bare boost::context switch: %.1f ns\n", bare_switch(2'000'000));

  {
    double one = parallel_seconds(1), many = parallel_seconds(workers);
    std::printf("parallel_compute: %.3f s on 1 worker, %.3f s on %u: speedup %.2f\n", one, many,
                workers, one / many);
  }
  hybrid::run(o, [] {
    const int n = 100'000;
    hybrid::channel<int> never(1);
    std::vector<hybrid::thread> ts;
    ts.reserve(n);
    long before = rss_kib();
    for (int i = 0; i < n; ++i) ts.push_back(hybrid::spawn([&] { never.pop(); }));
    hybrid::this_thread::sleep_for(std::chrono::milliseconds(50));  // let all of them park
    long after = rss_kib();
    std::printf("memory: %.2f KiB RSS per parked thread (%d threads)\n",
                static_cast<double>(after - before) / n, n);
    never.close();
    for (auto& t : ts) t.join();
  });
  for (int rep = 0; rep < 3; ++rep) {
    hybrid::run(o, [] {
      const int n = 1'000'000;
      auto t0 = clk::now();
      auto a = hybrid::spawn([&] {
        for (int i = 0; i < n; ++i) hybrid::this_thread::yield();
      });
      auto b = hybrid::spawn([&] {
        for (int i = 0; i < n; ++i) hybrid::this_thread::yield();
      });
      a.join();
      b.join();
      std::printf("yield: %.1f ns per yield\n", ns_since(t0) / (2.0 * n));
    });
    hybrid::run(o, [] {
      const int n = 500'000;
      hybrid::channel<int> ping(1), pong(1);
      auto t0 = clk::now();
      auto a = hybrid::spawn([&] {
        for (int i = 0; i < n; ++i) {
          ping.push(i);
          pong.pop();
        }
      });
      auto b = hybrid::spawn([&] {
        for (int i = 0; i < n; ++i) {
          ping.pop();
          pong.push(i);
        }
      });
      a.join();
      b.join();
      std::printf("pingpong: %.1f ns one-way\n", ns_since(t0) / (2.0 * n));
    });
    hybrid::run(o, [] {
      const int n = 1'000'000;
      auto t0 = clk::now();
      for (int i = 0; i < n; ++i) hybrid::spawn([] {}).join();
      std::printf("spawn+join (one at a time): %.1f ns per thread\n", ns_since(t0) / n);
      const int batch = 1000;
      std::vector<hybrid::thread> ts;
      ts.reserve(batch);
      t0 = clk::now();
      for (int r = 0; r < n / batch; ++r) {
        for (int i = 0; i < batch; ++i) ts.push_back(hybrid::spawn([] {}));
        for (auto& t : ts) t.join();
        ts.clear();
      }
      std::printf("spawn+join (batches of %d): %.1f ns per thread\n", batch, ns_since(t0) / n);
    });
    auto st = hybrid::run(o, [] {
      auto t0 = clk::now();
      long sum = skynet(0, 6);
      std::printf("skynet 1M: %.3f s (sum %ld, %s)\n", ns_since(t0) / 1e9, sum,
                  sum == 499999500000L ? "ok" : "WRONG");
    });
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    std::printf("  steals=%llu stacks_mapped=%llu peak RSS %ld MiB\n",
                static_cast<unsigned long long>(st.steals),
                static_cast<unsigned long long>(st.stacks_mapped), ru.ru_maxrss / 1024);
  }
}
