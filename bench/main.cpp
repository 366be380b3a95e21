// bench/main.cpp — the `threadlab` program: the command line (bench/cli.hpp) over the real
// registry (bench/registry.cpp).
#include <iostream>

#include "bench/cli.hpp"
#include "bench/registry.hpp"

int main(int argc, char** argv) {
  return threadlab::run_cli(argc, argv, threadlab::default_registry(), std::cout, std::cerr);
}
