// bench/models/all.hpp — every model the harness knows. Adding a model: include its adapter
// and add it to the list. The conformance suite and the registry both use this list; a stackless
// model (bench/model.hpp) goes in the same list, and stackful_models / stackless_models below
// split it for the code that needs one kind.
#pragma once

#include <type_traits>

#include "asio_coro.hpp"
#include "bench/model.hpp"
#include "bench/type_list.hpp"
#include "boost_fiber_ws.hpp"
#include "coroutines.hpp"
#include "green.hpp"
#include "hybrid.hpp"
#include "kernel.hpp"
#include "kernel_pool.hpp"
#include "tbb.hpp"

namespace threadlab {

using all_models = type_list<models::kernel, models::kernel_pool, models::green,
                             models::boost_fiber_ws, models::hybrid, models::hybrid_uring,
                             models::onetbb, models::coroutines, models::asio_coro>;

// Every entry satisfies the contract of its kind; one that does not fails to compile here.
template <class... Ms>
constexpr bool all_satisfy_model(type_list<Ms...>) {
  return ((is_stackless<Ms> ? stackless_model<Ms> : model<Ms>)&&...);
}
static_assert(all_satisfy_model(all_models{}));

// is_stackful_model<M> / is_stackless_model<M> — the kind of M, as a type trait for keep_if_t.
template <class M>
struct is_stackful_model : std::bool_constant<!is_stackless<M>> {};
template <class M>
struct is_stackless_model : std::bool_constant<is_stackless<M>> {};

// stackful_models / stackless_models — all_models split by kind, in its order: what code written
// for one kind iterates (the conformance suite's two forms, the soak).
using stackful_models = keep_if_t<all_models, is_stackful_model>;
using stackless_models = keep_if_t<all_models, is_stackless_model>;

}  // namespace threadlab
