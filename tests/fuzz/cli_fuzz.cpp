// tests/fuzz/cli_fuzz.cpp — libFuzzer target: the `threadlab` command line, parse_command_line
// (bench/cli/cli.hpp), with every command (run, trace, compare, report, list) and option.
//
// The input is an argument list: the arguments separated by NUL or newline bytes, after the
// program's name. It is parsed against a small registry shaped like the real catalogue (a
// network workload that a model lacks the capability for, a baseline), whose pairs are never
// run. Checked, beyond the sanitizers: the parse never throws; a rejected command line gives
// exit status 2 and exactly one line of text naming the problem, without control characters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "bench/cli/cli.hpp"

namespace {

using namespace threadlab;

std::string no_configuration(const run_options&) { return "fuzz"; }
sample never_run(const run_options&, std::uint64_t) { std::abort(); }
sample never_run_baseline(std::uint64_t) { std::abort(); }

// fuzz_registry() — pingpong and http on kernel, kernel_pool and hybrid (http on kernel_pool
// skipped: no net), and the context_switch baseline.
const registry& fuzz_registry() {
  static const registry reg = [] {
    constexpr capability all = capability::multicore | capability::waits_on_threads |
                               capability::many_threads | capability::net;
    registry r;
    r.workloads = {
        {"pingpong", "two threads alternate", capability::waits_on_threads, 100'000, 1000},
        {"http", "a server under wrk", capability::net, 64, 4}};
    r.models = {
        {"kernel", "1:1", all, 10'000, &no_configuration},
        {"kernel_pool", "a fixed pool", capability::multicore, 1'000'000, &no_configuration},
        {"hybrid", "M:N", all, 1'000'000, &no_configuration}};
    for (std::size_t w = 0; w < r.workloads.size(); ++w) {
      for (std::size_t m = 0; m < r.models.size(); ++m) {
        const capability need = r.workloads[w].requires_caps;
        if (has(r.models[m].capabilities, need)) {
          r.pairs.push_back(pair_entry{w, m, &never_run, {}});
        } else {
          r.pairs.push_back(pair_entry{
              w, m, nullptr, skip_reason(r.models[m].name, r.models[m].capabilities, need)});
        }
      }
    }
    r.baselines = {
        {{"context_switch", "a bare switch", capability::none, 1'000'000, 0}, &never_run_baseline}};
    return r;
  }();
  return reg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"threadlab"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\0' || c == '\n') {
      args.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (size > 0) args.push_back(current);
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);

  const cli_command command =
      parse_command_line(static_cast<int>(args.size()), argv.data(), fuzz_registry());
  if (const auto* exit = std::get_if<cli_exit>(&command)) {
    if (exit->code == exit_ok) {
      if (exit->text.empty()) std::abort();  // help, which says something
    } else if (exit->code != exit_usage || exit->text.rfind("threadlab: ", 0) != 0) {
      std::abort();  // a rejection is exit 2 and a line naming the program
    } else {
      for (const char c : exit->text) {
        if (static_cast<unsigned char>(c) < 0x20) std::abort();  // one line, nothing to a terminal
      }
    }
  }
  return 0;
}
