// examples/out_of_tree_model/main.cpp — this project's `threadlab`: the command line of the
// installed package (bench/extend.hpp) with every built-in model and workload, plus `async`.
#include "async_model.hpp"
#include "bench/extend.hpp"

int main(int argc, char** argv) { return threadlab::run_cli<example::async_model>(argc, argv); }
