// tests/soak/soak.cpp — the soak program: random programs on every model, round after round,
// each checked exactly.
//
// Round i runs seed (first seed + i) on the model the seed picks (seed modulo the number of
// models chosen, so the models take turns): draw_plan(seed) builds a program of channels,
// spawn trees, locks, sleeps, exceptions and sockets (plan.hpp), run_round runs it in a fresh
// world of that model and checks every count (round.hpp). The first difference stops the
// program: it prints the model, seed, plan and every difference, and the command that replays
// the round, and exits 1. A round that never ends is left to the caller (scripts/soak.sh reads
// the progress line, heartbeat.hpp, and kills the process when rounds stop finishing).
//
//   threadlab-soak --seconds 120 --seed 1000          rounds for two minutes, seeds 1000, 1001...
//   threadlab-soak --seed 1234 --model hybrid         replays one round
//   threadlab-soak --seed 1234 --model hybrid --repeat 200   ...200 times: other interleavings
//
// Exit status: 0 when every round was exact, 1 on the first difference, 2 on a bad argument;
// a crash kills the process with its signal, after a report naming the round
// (crash_report.hpp).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/models/all.hpp"
#include "bench/type_list.hpp"
#include "crash_report.hpp"
#include "heartbeat.hpp"
#include "round.hpp"

namespace {

using namespace threadlab;
using namespace threadlab::soak;

// model_entry — one model of the catalogue, as the soak runs it.
struct model_entry {
  std::string name;
  std::string unavailable;  // why this machine cannot run it; empty when it can
  round_outcome (*run)(std::uint64_t seed, heartbeat& beat, fault planted);
  std::uint64_t rounds = 0;
};

// catalogue() — every stackful model: the activities block in plain functions, so a stackless
// model (which has no such form of them) is not soaked.
std::vector<model_entry> catalogue() {
  std::vector<model_entry> out;
  for_each_type<stackful_models>([&]<class M>() {
    out.push_back({std::string(M::name), unavailable_here<M>(), &run_round<M>});
  });
  return out;
}

// split(list) — "a,b" as {"a", "b"}.
std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// leaked — what --leak-bytes-per-round leaks on purpose: blocks never freed, but reachable, so
// that LeakSanitizer stays quiet and only the growth of the process shows them, as it would a
// cache that grows without bound.
std::vector<std::unique_ptr<char[]>> leaked;

void leak(std::size_t bytes) {
  auto block = std::make_unique_for_overwrite<char[]>(bytes);
  std::memset(block.get(), 0xa5, bytes);  // touched: resident, not just reserved
  leaked.push_back(std::move(block));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"threadlab-soak: random programs on every model, each round checked exactly"};
  std::uint64_t first_seed = 1;
  std::string models_arg;
  std::uint64_t rounds = 1;
  double seconds = 0;
  std::uint64_t repeat = 1;
  unsigned heartbeat_ms = 1000;
  unsigned stuck_after_ms = 10000;
  bool print_plan = false;
  std::size_t leak_bytes = 0;
  std::uint64_t hang_at_round = 0;
  std::uint64_t lose_value_at_round = 0;
  std::uint64_t crash_at_round = 0;
  app.add_option("--seed", first_seed, "the first round's seed; round i runs seed + i")
      ->capture_default_str();
  app.add_option("--model", models_arg,
                 "comma-separated models to run (default: every model); a seed picks one of "
                 "them, seed modulo their number");
  app.add_option("--rounds", rounds, "how many rounds (seeds) to run")->capture_default_str();
  app.add_option("--seconds", seconds,
                 "run rounds until this many seconds have passed (overrides --rounds)");
  app.add_option("--repeat", repeat, "run each seed this many times (another interleaving each)")
      ->capture_default_str();
  app.add_option("--heartbeat-ms", heartbeat_ms, "milliseconds between progress lines")
      ->capture_default_str();
  app.add_option("--stuck-after-ms", stuck_after_ms,
                 "a round running this long gets its activities' counters printed")
      ->capture_default_str();
  app.add_flag("--print-plan", print_plan,
               "print each round's plan, after it ran, with ok or FAIL");
  // Hidden: faults planted on purpose, to test that scripts/soak.sh catches them.
  app.add_option("--leak-bytes-per-round", leak_bytes)->group("");
  app.add_option("--hang-at-round", hang_at_round)->group("");
  app.add_option("--lose-value-at-round", lose_value_at_round)->group("");
  app.add_option("--crash-at-round", crash_at_round)->group("");
  CLI11_PARSE(app, argc, argv);
  install_crash_report(argv[0]);
  if (repeat == 0) repeat = 1;

  std::vector<model_entry> all = catalogue();
  std::vector<model_entry*> chosen;
  const std::vector<std::string> wanted = split(models_arg);
  for (const std::string& w : wanted) {
    model_entry* found = nullptr;
    for (model_entry& m : all) found = m.name == w ? &m : found;
    if (found == nullptr) {
      std::string valid;
      for (const model_entry& m : all) valid += (valid.empty() ? "" : ", ") + m.name;
      std::fprintf(stderr, "threadlab-soak: unknown model '%s'; valid models: %s\n", w.c_str(),
                   valid.c_str());
      return 2;
    }
    chosen.push_back(found);
  }
  if (wanted.empty()) {
    for (model_entry& m : all) chosen.push_back(&m);
  }

  heartbeat beat{std::chrono::milliseconds(heartbeat_ms),
                 std::chrono::milliseconds(stuck_after_ms)};
  std::vector<model_entry*> runnable;
  for (model_entry* m : chosen) {
    if (m->unavailable.empty()) {
      runnable.push_back(m);
    } else {
      beat.say("skip model=" + m->name + ": " + m->unavailable);
    }
  }
  if (runnable.empty()) {
    std::fprintf(stderr, "threadlab-soak: no model this machine can run was chosen\n");
    return 2;
  }
  std::string names;
  for (const model_entry* m : runnable) names += (names.empty() ? "" : ",") + m->name;
  beat.say("start first_seed=" + std::to_string(first_seed) + " models=" + names);

  const auto start = std::chrono::steady_clock::now();
  const auto out_of_time = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
           seconds;
  };
  std::uint64_t round = 0;
  std::uint64_t last_seed = first_seed;
  for (; seconds > 0 ? !out_of_time() : round < rounds * repeat; ++round) {
    const std::uint64_t seed = first_seed + round / repeat;
    model_entry& m = *runnable[seed % runnable.size()];
    last_seed = seed;
    fault planted = fault::none;
    if (round + 1 == hang_at_round) planted = fault::hang;
    if (round + 1 == lose_value_at_round) planted = fault::lose_value;
    if (round + 1 == crash_at_round) planted = fault::crash;
    const round_outcome r = m.run(seed, beat, planted);
    ++m.rounds;
    const std::string which = "model=" + m.name + " seed=" + std::to_string(seed) +
                              " workers=" + std::to_string(r.workers) +
                              " round=" + std::to_string(round + 1);
    if (!r.differences.empty() || print_plan) {
      beat.say((r.differences.empty() ? "ok " : "FAIL ") + which);
      std::istringstream plan_lines(r.plan_text);
      for (std::string line; std::getline(plan_lines, line);) beat.say("  plan: " + line);
    }
    if (!r.differences.empty()) {
      for (const std::string& d : r.differences) beat.say("  difference: " + d);
      beat.say(std::string("replay: ") + argv[0] + " --seed " + std::to_string(seed) + " --model " +
               m.name);
      return 1;
    }
    if (leak_bytes != 0) leak(leak_bytes);
  }

  std::ostringstream done;
  done.setf(std::ios::fixed);
  done.precision(1);
  done << "done rounds=" << round << " elapsed_s="
       << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
       << " first_seed=" << first_seed << " last_seed=" << last_seed << " failures=0";
  for (const model_entry* m : runnable) done << " " << m->name << "=" << m->rounds;
  beat.say(done.str());
  return 0;
}
