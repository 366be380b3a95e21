// bench/models/all.hpp — every model the harness knows. Adding a model: include its adapter
// and add it to the list. The conformance suite and the registry both use this list.
#pragma once

#include "bench/model.hpp"
#include "bench/type_list.hpp"
#include "boost_fiber_ws.hpp"
#include "green.hpp"
#include "hybrid.hpp"
#include "kernel.hpp"
#include "kernel_pool.hpp"
#include "tbb.hpp"

namespace threadlab {

using all_models =
    type_list<models::kernel, models::kernel_pool, models::green, models::boost_fiber_ws,
              models::hybrid, models::hybrid_uring, models::onetbb>;

// Every entry satisfies the contract; one that does not fails to compile here, naming the
// requirement it misses.
template <class... Ms>
constexpr bool all_satisfy_model(type_list<Ms...>) {
  return (model<Ms> && ...);
}
static_assert(all_satisfy_model(all_models{}));

}  // namespace threadlab
