// tests/conformance/models_under_test.hpp — the models the conformance suite runs on: every model
// in threadlab::all_models (bench/models/all.hpp), as the std::tuple that doctest's
// TEST_CASE_TEMPLATE_APPLY expects. A model added to all.hpp is picked up here with no change.
#pragma once

#include <tuple>

#include "bench/model.hpp"
#include "bench/models/all.hpp"
#include "bench/type_list.hpp"

namespace threadlab::conformance {

// as_tuple<type_list<Ts...>>::type — std::tuple<Ts...>.
template <class List>
struct as_tuple;

template <class... Ts>
struct as_tuple<type_list<Ts...>> {
  // Every model under test must satisfy the contract; a model that does not fails to compile
  // here, naming the requirement it misses.
  static_assert((model<Ts> && ...),
                "every entry of threadlab::all_models must satisfy threadlab::model");
  using type = std::tuple<Ts...>;
};

// models_under_test — the type list every conformance TEST_CASE_TEMPLATE is applied to.
using models_under_test = as_tuple<all_models>::type;

}  // namespace threadlab::conformance
