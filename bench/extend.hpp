// bench/extend.hpp — threadlab with models of your own: the `main` of a program built outside this
// repository against the installed package (find_package(threadlab), target threadlab::bench).
//
//   #include "bench/extend.hpp"
//   #include "my_model.hpp"
//   int main(int argc, char** argv) { return threadlab::run_cli<my_model>(argc, argv); }
//
// is a `threadlab` whose catalogue is the built-in one (every workload of
// bench/workloads/all.hpp on every model of bench/models/all.hpp, and the baselines) with
// my_model after the built-in models: it is in `threadlab list`, `run --model`, the table and
// `trace` exactly as a built-in model. The built-in pairs come compiled in the library
// (default_registry()); only the added models' pairs are compiled in the program (add_models,
// bench/run/registry.hpp). An added model satisfies the contract (bench/model.hpp), stackful or
// stackless, and should pass the conformance suite (threadlab_add_conformance_tests, installed with
// the package); examples/out_of_tree_model is a whole project doing both.
#pragma once

#include <iostream>
#include <stdexcept>

#include "bench/cli/cli.hpp"
#include "bench/model.hpp"
#include "bench/run/registry.hpp"
#include "bench/type_list.hpp"
#include "bench/workloads/all.hpp"
#include "bench/workloads/net_support.hpp"

namespace threadlab {

// default_registry_with<Extra...>() — default_registry() plus the models Extra, in that order.
// Throws std::invalid_argument when an added model's name is taken.
template <any_model... Extra>
registry default_registry_with() {
  return add_models<all_workloads, type_list<Extra...>>(default_registry());
}

// run_cli<Extra...>(argc, argv) — the `threadlab` command line (bench/cli/cli.hpp) over
// default_registry_with<Extra...>(), reports to std::cout, progress and errors to std::cerr;
// returns the exit status (exit_usage, with one line on stderr, when an added model's name is
// taken). Precondition: called from a single-threaded process (pairs run in forked children).
template <any_model... Extra>
int run_cli(int argc, const char* const* argv) {
#ifdef THREADLAB_PACKAGE_TOOLS_DIR
  // The installed package's bin/ folder, defined by threadlabConfig.cmake: where the network
  // workloads find their load generator when this program is not installed beside it.
  workloads::net_support::set_tools_dir(THREADLAB_PACKAGE_TOOLS_DIR);
#endif
  registry reg;
  try {
    reg = default_registry_with<Extra...>();
  } catch (const std::invalid_argument& e) {
    std::cerr << "threadlab: " << e.what() << '\n';
    return exit_usage;
  }
  return run_cli(argc, argv, reg, std::cout, std::cerr);
}

}  // namespace threadlab
