// tests/workloads_smoke/workloads_smoke_test.cpp — every workload of threadlab::all_workloads
// runs, checks itself and returns a usable sample on every model of threadlab::all_models, at
// the workload's own smoke_size, small enough for the whole suite to take seconds; on a
// stackless model, through the workload's coroutine form (run_async). A pair whose model lacks a
// required capability, or a stackless model's pair whose workload has no coroutine form, is
// skipped (the runner skips it too). Nothing here names a
// workload: a workload added to all_workloads is tested here with no change. Speed is never
// asserted here: benchmarks measure it.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>

#include "bench/model.hpp"
#include "bench/models/all.hpp"
#include "bench/type_list.hpp"
#include "bench/workload.hpp"
#include "bench/workloads/all.hpp"

namespace threadlab::smoke {

// on<W>::model<M> — the pair (W, M) as one type, so that one TEST_CASE_TEMPLATE covers every
// pair, named "...<threadlab::smoke::on<W>::model<M>>" (no comma: ctest and doctest's filter
// split test names at commas).
template <class W>
struct on {
  template <class M>
  struct model {
    using workload_type = W;
    using model_type = M;
  };
};

// pairs_of<Workloads, Models> — on<W>::model<M> for every W, then every M: a type_list.
template <class Workloads, class Models>
struct pairs_of;
template <class... Ws, class... Ms>
struct pairs_of<type_list<Ws...>, type_list<Ms...>> {
  template <class W>
  using row = type_list<typename on<W>::template model<Ms>...>;
  template <class... Lists>
  struct concat;
  template <class... As>
  struct concat<type_list<As...>> {
    using type = type_list<As...>;
  };
  template <class... As, class... Bs, class... Rest>
  struct concat<type_list<As...>, type_list<Bs...>, Rest...> {
    using type = typename concat<type_list<As..., Bs...>, Rest...>::type;
  };
  using type = typename concat<row<Ws>...>::type;
};

using pairs_under_test = as_tuple_t<typename pairs_of<all_workloads, all_models>::type>;
using models_under_test = as_tuple_t<all_models>;

// Every workload's sizes are usable: the tests and traces run something, and never more than a
// default run.
template <class... Ws>
constexpr bool sizes_are_sane(type_list<Ws...>) {
  return ((Ws::smoke_size >= 1 && Ws::smoke_size <= Ws::default_size && Ws::trace_size >= 1 &&
           Ws::trace_size <= Ws::default_size) &&
          ...);
}
static_assert(sizes_are_sane(all_workloads{}));

// metric_value_of(s, name) — the value of s's metric called name; fails the test if absent.
double metric_value_of(const sample& s, const std::string& name) {
  for (const metric_value& m : s.metrics) {
    if (m.name == name) return m.value;
  }
  FAIL("no metric " << name);
  return 0;
}

}  // namespace threadlab::smoke

using namespace threadlab;

// Runs W on M at W::smoke_size and checks the sample's shape: the size run is the one asked for
// (or smaller and marked scaled, with a note), the headline is a finite number, not negative
// (zero is an honest result where a model starves one side: blocking_io's blockers on a fixed
// pool whose workers all compute), and the workload says what it checked.
TEST_CASE_TEMPLATE_DEFINE("every workload runs at its smoke size and checks itself", Pair,
                          smoke_id) {
  using W = typename Pair::workload_type;
  using M = typename Pair::model_type;
  if constexpr (!has(M::capabilities, W::requires_caps)) {
    const std::string why = std::string(W::name) + " skipped on " + std::string(M::name) +
                            ": lacks " + describe(missing(M::capabilities, W::requires_caps));
    MESSAGE(why);
  } else if constexpr (!runs_on<W, M>()) {
    const std::string why = std::string(W::name) + " skipped on " + std::string(M::name) +
                            ": no coroutine form for a stackless model";
    MESSAGE(why);
  } else {
    const std::uint64_t size = W::smoke_size;
    const sample s = run_form<W, M>(run_options{.workers = 2}, size);
    REQUIRE_FALSE(s.metrics.empty());
    CHECK(std::isfinite(s.metrics.front().value));
    CHECK(s.metrics.front().value >= 0);
    CHECK_FALSE(s.check.empty());
    if (s.scaled) {
      CHECK(s.size < size);
      CHECK_FALSE(s.note.empty());
    } else {
      CHECK(s.size <= size);  // mutex rounds down to a multiple of its thread count
      CHECK(s.size > 0);
    }
  }
}
TEST_CASE_TEMPLATE_APPLY(smoke_id, smoke::pairs_under_test);

TEST_CASE_TEMPLATE_DEFINE("spawn_join reports ordered lifecycle latencies", M, lifecycle_id) {
  const sample s = run_form<workloads::spawn_join, M>(run_options{.workers = 2},
                                                      workloads::spawn_join::smoke_size);
  for (const char* figure : {"create", "start_latency", "exit_to_join"}) {
    CAPTURE(figure);
    const double p50 = smoke::metric_value_of(s, std::string(figure) + "_p50_ns");
    const double p99 = smoke::metric_value_of(s, std::string(figure) + "_p99_ns");
    const double max = smoke::metric_value_of(s, std::string(figure) + "_max_ns");
    CHECK(p50 >= 0);
    CHECK(p50 <= p99);
    CHECK(p99 <= max);
  }
  CHECK(smoke::metric_value_of(s, "clock_overhead_ns") >= 0);
  // The headline stays first.
  CHECK(s.metrics.front().name == "ns_per_thread");
}
TEST_CASE_TEMPLATE_APPLY(lifecycle_id, smoke::models_under_test);

// The workloads that have a coroutine form: each one runs on every stackless model above. A
// form removed by mistake would turn its pairs into skips; this list says which must not.
static_assert(has_coroutine_form<workloads::yield, models::coroutines> &&
              has_coroutine_form<workloads::pingpong, models::coroutines> &&
              has_coroutine_form<workloads::spawn_join, models::coroutines> &&
              has_coroutine_form<workloads::skynet, models::coroutines> &&
              has_coroutine_form<workloads::ring, models::coroutines> &&
              has_coroutine_form<workloads::pipeline, models::coroutines> &&
              has_coroutine_form<workloads::mutex, models::coroutines> &&
              has_coroutine_form<workloads::parallel_compute, models::coroutines>);

TEST_CASE_TEMPLATE_DEFINE("every baseline runs at its smoke size", B, baseline_id) {
  static_assert(baseline<B>);
  const sample s = B::run(B::smoke_size);
  CHECK(s.size == B::smoke_size);
  REQUIRE_FALSE(s.metrics.empty());
  CHECK(s.metrics.front().value > 0);
}
TEST_CASE_TEMPLATE_APPLY(baseline_id, as_tuple_t<all_baselines>);
