// tests/kernel_threads/runtime_test.cpp — kernel_threads::run.
#include <doctest/doctest.h>
#include <pthread.h>

#include <stdexcept>
#include <string>

#include "kernel_threads/runtime.hpp"

TEST_CASE("run executes the body on a fresh kernel thread with the given options") {
  const pthread_t caller = pthread_self();
  bool on_other_thread = false;
  std::string name;
  kernel_threads::run(kernel_threads::options{.stack_size = 0, .name = "rt-main"}, [&] {
    on_other_thread = !pthread_equal(caller, pthread_self());
    char buf[32] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    name = buf;
  });
  CHECK(on_other_thread);
  CHECK(name == "rt-main");
}

TEST_CASE("run returns the body's result") {
  CHECK(kernel_threads::run([] { return std::string("done"); }) == "done");
}

TEST_CASE("run rethrows an exception escaping the body") {
  CHECK_THROWS_WITH_AS(kernel_threads::run([] { throw std::logic_error("body failed"); }),
                       "body failed", std::logic_error);
}
