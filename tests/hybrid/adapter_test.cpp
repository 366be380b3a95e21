// tests/hybrid/adapter_test.cpp — bench/models/hybrid.hpp satisfies the model contract and
// runs a small program through it.
#include <doctest/doctest.h>

#include <string>

#include "bench/models/hybrid.hpp"

using model = threadlab::models::hybrid;
static_assert(threadlab::model<model>);

TEST_CASE("adapter: name, capabilities and configuration") {
  CHECK(model::name == "hybrid");
  CHECK(threadlab::has(model::capabilities, threadlab::capability::multicore));
  CHECK(threadlab::has(model::capabilities, threadlab::capability::waits_on_threads));
  CHECK(threadlab::has(model::capabilities, threadlab::capability::many_threads));
  CHECK(threadlab::has(model::capabilities, threadlab::capability::blocking_syscalls));
  CHECK(model::thread_limit == 2'000'000);
  threadlab::run_options opts;
  opts.workers = 2;
  opts.stack_size = 128 * 1024;
  std::string c = model::configuration(opts);
  CHECK(c.find("workers=2") != std::string::npos);
  CHECK(c.find("stack=128 KiB") != std::string::npos);
  opts.workers = 0;
  CHECK(model::configuration(opts).find("workers=0") == std::string::npos);
}

TEST_CASE("adapter: spawn, channel, mutex and join through the model") {
  threadlab::run_options opts;
  opts.workers = 2;
  long sum = 0;
  model::run(opts, [&] {
    model::channel<int> ch(4);
    model::mutex m;
    auto producer = model::spawn([&] {
      for (int i = 1; i <= 100; ++i) ch.push(i);
      ch.close();
    });
    auto consumer = model::spawn([&] {
      while (auto v = ch.pop()) {
        std::lock_guard<model::mutex> g(m);
        sum += *v;
      }
    });
    model::yield();
    model::sleep_for(std::chrono::microseconds(10));
    producer.join();
    consumer.join();
  });
  CHECK(sum == 5050);
}
