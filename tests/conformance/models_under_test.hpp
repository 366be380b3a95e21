// tests/conformance/models_under_test.hpp — the models the conformance suite runs on, as the
// std::tuple that doctest's TEST_CASE_TEMPLATE_APPLY expects.
//
// In this repository: every model in threadlab::all_models (bench/models/all.hpp), split by kind
// (stackful_models, stackless_models); a model added to all.hpp is picked up here with no change.
// Out of tree: the models a project names to threadlab_add_conformance_tests (installed with the
// package, cmake/threadlabConformance.cmake), which compiles this suite with
// THREADLAB_CONFORMANCE_HEADER (the header declaring them, as an #include operand) and
// THREADLAB_CONFORMANCE_MODELS (their types, comma-separated).
#pragma once

#include <tuple>

#include "bench/model.hpp"
#include "bench/type_list.hpp"

#if defined(THREADLAB_CONFORMANCE_MODELS)
#include THREADLAB_CONFORMANCE_HEADER
#elif defined(THREADLAB_CONFORMANCE_STACKLESS_ONLY)
#include "stackless_models.hpp"
#else
#include <type_traits>

#include "bench/models/all.hpp"
#include "stackless_models.hpp"
#endif

namespace threadlab::conformance {

#ifdef THREADLAB_CONFORMANCE_MODELS
// models_under_test — the type list every conformance TEST_CASE_TEMPLATE is applied to.
using models_under_test = std::tuple<THREADLAB_CONFORMANCE_MODELS>;
// stackless_models_under_test — the models the coroutine forms run on (coroutine_forms_test.cpp):
// none out of tree, where the suite checks the stackful contract.
using stackless_models_under_test = std::tuple<>;

// Every entry satisfies the contract; one that does not fails to compile here.
template <class... Ms>
constexpr bool all_satisfy_model(std::tuple<Ms...>*) {
  return (model<Ms> && ...);
}
static_assert(all_satisfy_model(static_cast<models_under_test*>(nullptr)),
              "every model given to the conformance suite must satisfy threadlab::model");
#elif defined(THREADLAB_CONFORMANCE_STACKLESS_ONLY)
// The coroutine forms alone (conformance_stackless_tests, stackless_models.hpp): no stackful
// model to test.
using models_under_test = std::tuple<>;
using stackless_models_under_test = stackless_models_only;
#else
// models_under_test — the type list every stackful conformance TEST_CASE_TEMPLATE is applied to;
// stackless_models_under_test — the one the coroutine forms (coroutine_forms_test.cpp) are.
// (Every entry satisfies its kind's contract: bench/models/all.hpp checks it.)
using models_under_test = as_tuple_t<stackful_models>;
using stackless_models_under_test = as_tuple_t<stackless_models>;
static_assert(std::is_same_v<stackless_models_under_test, stackless_models_only>,
              "tests/conformance/stackless_models.hpp must list every stackless model of "
              "bench/models/all.hpp, in its order");
#endif

}  // namespace threadlab::conformance
