// tests/conformance/models_under_test.hpp — the models the conformance suite runs on: every model
// in threadlab::all_models (bench/models/all.hpp), as the std::tuple that doctest's
// TEST_CASE_TEMPLATE_APPLY expects. A model added to all.hpp is picked up here with no change.
#pragma once

#include "bench/models/all.hpp"
#include "bench/type_list.hpp"

namespace threadlab::conformance {

// models_under_test — the type list every conformance TEST_CASE_TEMPLATE is applied to. (Every
// entry satisfies threadlab::model: bench/models/all.hpp checks it.)
using models_under_test = as_tuple_t<all_models>;

}  // namespace threadlab::conformance
