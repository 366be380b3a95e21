// tests/bench/sweep_test.cpp — sweeps: `--workers` and `--size` lists, the points the runner
// visits and names in each record, the JSON that keeps them, and the table's block per point.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "bench/cli/cli.hpp"
#include "bench/report/json.hpp"
#include "bench/report/markdown.hpp"
#include "bench/report/table.hpp"
#include "bench/run/runner.hpp"
#include "fake_registry.hpp"
#include "text_support.hpp"

using namespace threadlab;
using threadlab::testing::contains;

namespace {

cli_command parse(std::vector<const char*> args) {
  args.insert(args.begin(), "threadlab");
  return parse_command_line(static_cast<int>(args.size()), args.data(), fakes::healthy_registry());
}

std::string usage_error_of(std::vector<const char*> args) {
  const cli_command c = parse(std::move(args));
  const auto* exit = std::get_if<cli_exit>(&c);
  REQUIRE(exit != nullptr);
  CHECK(exit->code == exit_usage);
  CHECK(exit->text.find('\n') == std::string::npos);
  return exit->text;
}

// swept_run() — counting on quick and the floor baseline, at workers 1 and 2, sizes 10 and 20.
std::vector<record> swept_run(std::vector<std::size_t>* started = nullptr) {
  runner_options opts;
  opts.params.warmup = 0;
  opts.params.repetitions = 1;
  opts.params.timeout_s = 20;
  opts.params.workers = 1;
  opts.params.workers_sweep = {1, 2};
  opts.params.size = 10;
  opts.params.size_sweep = {10, 20};
  if (started != nullptr) {
    opts.starting = [started](std::size_t index, std::size_t total, const std::string&,
                              const std::string&, const sweep_point&) {
      CHECK(total == 8);
      started->push_back(index);
    };
  }
  const registry& reg = fakes::healthy_registry();
  return run_selection(reg, select(reg, {"counting", "floor"}, {"quick"}), opts);
}

// swept_results() — swept_run() as a harness run's results.
results swept_results() {
  results res;
  res.params.workers = 1;
  res.params.workers_sweep = {1, 2};
  res.params.size = 10;
  res.params.size_sweep = {10, 20};
  res.records = swept_run();
  return res;
}

}  // namespace

TEST_CASE("sweep: --workers and --size take lists; one value is no sweep") {
  const cli_command c = parse({"run", "--workers", "1,2,4", "--size", "10,20"});
  const auto* run = std::get_if<run_request>(&c);
  REQUIRE(run != nullptr);
  CHECK(run->params.workers == 1);
  CHECK(run->params.workers_sweep == std::vector<unsigned>{1, 2, 4});
  CHECK(run->params.size == 10u);
  CHECK(run->params.size_sweep == std::vector<std::uint64_t>{10, 20});

  const cli_command one = parse({"run", "--workers", "3", "--size", "7"});
  const auto* single = std::get_if<run_request>(&one);
  REQUIRE(single != nullptr);
  CHECK(single->params.workers == 3);
  CHECK(single->params.workers_sweep.empty());
  CHECK(single->params.size_sweep.empty());
}

TEST_CASE("sweep: a bad list item, an empty one or a repeated one is a usage error") {
  CHECK(contains(usage_error_of({"run", "--workers", "1,1"}), "1 is listed twice"));
  CHECK(contains(usage_error_of({"run", "--workers", "1,"}), "--workers ''"));
  CHECK(contains(usage_error_of({"run", "--workers", "1,2000"}), "--workers '2000'"));
  CHECK(contains(usage_error_of({"run", "--size", "5,x"}), "--size 'x'"));
  CHECK(contains(usage_error_of({"run", "--size", "5,0"}), "--size '0'"));
}

TEST_CASE("sweep: the points, workers outermost") {
  parameters p;
  p.workers = 2;
  p.size = 5;
  REQUIRE(sweep_points(p).size() == 1);
  CHECK(sweep_points(p)[0].workers == 2);
  CHECK(sweep_points(p)[0].size == 5u);

  p.workers_sweep = {1, 4};
  p.size_sweep = {10, 20, 30};
  const std::vector<sweep_point> points = sweep_points(p);
  REQUIRE(points.size() == 6);
  CHECK(points[0].workers == 1);
  CHECK(points[0].size == 10u);
  CHECK(points[2].workers == 1);
  CHECK(points[2].size == 30u);
  CHECK(points[3].workers == 4);
  CHECK(points[3].size == 10u);
}

TEST_CASE("sweep: every pair and baseline runs at every point, each record naming it") {
  std::vector<std::size_t> started;
  const std::vector<record> records = swept_run(&started);
  REQUIRE(records.size() == 8);  // (1 pair + 1 baseline) x 2 workers x 2 sizes
  CHECK(started == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7});
  const unsigned workers[] = {1, 1, 1, 1, 2, 2, 2, 2};
  const std::uint64_t sizes[] = {10, 10, 20, 20, 10, 10, 20, 20};
  for (std::size_t i = 0; i < records.size(); ++i) {
    CAPTURE(i);
    CHECK(records[i].status == record_status::ok);
    CHECK(records[i].workers == workers[i]);
    CHECK(records[i].requested_size == sizes[i]);
    CHECK(records[i].size == sizes[i]);
  }
  // The model ran with the point's workers.
  CHECK(records[0].configuration == "fake, 1 workers");
  CHECK(records[4].configuration == "fake, 2 workers");
}

TEST_CASE("sweep: the JSON keeps the points; older files take them from the parameters") {
  const results res = swept_results();
  const results back = parse_results_json(render_json(res));
  CHECK(back.params.workers_sweep == res.params.workers_sweep);
  CHECK(back.params.size_sweep == res.params.size_sweep);
  REQUIRE(back.records.size() == res.records.size());
  for (std::size_t i = 0; i < back.records.size(); ++i) {
    CHECK(back.records[i].workers == res.records[i].workers);
    CHECK(back.records[i].requested_size == res.records[i].requested_size);
  }

  auto j = nlohmann::ordered_json::parse(render_json(res));
  j.at("parameters").erase("workers_sweep");
  j.at("parameters").erase("size_sweep");
  j.at("parameters")["workers"] = 3;
  j.at("parameters")["size"] = nullptr;
  for (auto& r : j.at("records")) {
    r.erase("workers");
    r.erase("requested_size");
  }
  const results old = results_from_json(j);
  CHECK_FALSE(old.is_sweep());
  CHECK(old.records.front().workers == 3);
  CHECK_FALSE(old.records.front().requested_size.has_value());
}

TEST_CASE("sweep: the table and the markdown draw one block per point, the legend once") {
  const results res = swept_results();
  REQUIRE(res.is_sweep());
  const std::vector<results> parts = split_by_point(res);
  REQUIRE(parts.size() == 4);
  CHECK(point_label(parts[0]) == "1 worker, size 10");
  CHECK(point_label(parts[3]) == "2 workers, size 20");
  CHECK(parts[3].records.size() == 2);
  CHECK_FALSE(parts[3].is_sweep());

  const std::string table = render_table(res);
  CHECK(contains(table, "sizes 10 / 20; 1, 2 workers of"));
  for (const char* title : {"== 1 worker, size 10 ==", "== 1 worker, size 20 ==",
                            "== 2 workers, size 10 ==", "== 2 workers, size 20 =="}) {
    CHECK(contains(table, title));
  }
  const auto legend = table.find("best of the row");
  CHECK(legend != std::string::npos);
  CHECK(table.find("best of the row", legend + 1) == std::string::npos);
  CHECK(legend > table.find("== 2 workers, size 20 =="));

  const std::string md = render_markdown(res);
  CHECK(contains(md, "### 2 workers, size 20"));
}

TEST_CASE("sweep: one point draws as before, with no block titles") {
  results res;
  res.params.workers = 2;
  res.records = swept_run();
  res.params.workers_sweep.clear();
  res.records.resize(2);  // the first point's records only
  CHECK_FALSE(contains(render_table(res), "=="));
}
