// bench/cli/main.cpp — the `threadlab` program: the command line (bench/cli/cli.hpp) over the real
// registry (bench/run/default_registry.cpp).
#include <iostream>

#include "bench/cli/cli.hpp"
#include "bench/run/registry.hpp"

int main(int argc, char** argv) {
  return threadlab::run_cli(argc, argv, threadlab::default_registry(), std::cout, std::cerr);
}
