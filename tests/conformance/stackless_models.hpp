// tests/conformance/stackless_models.hpp — the stackless models, named here without the rest of
// bench/models/all.hpp, for the build of the coroutine forms alone (conformance_stackless_tests):
// the one the tsan preset runs. all.hpp pulls in every stackful model's headers, and Boost.Fiber's
// use fences that ThreadSanitizer cannot see (GCC's -Wtsan, an error here), so that build cannot
// include it. The full conformance build checks that this list is all.hpp's stackless list
// (models_under_test.hpp), so a stackless model added there and not here fails to compile.
#pragma once

#include <tuple>

#include "bench/models/coroutines.hpp"
#if !defined(__SANITIZE_THREAD__)
#include "bench/models/asio_coro.hpp"
#endif

namespace threadlab::conformance {

#if defined(__SANITIZE_THREAD__)
// Under ThreadSanitizer, our runtime alone: Asio's handler recycling uses fences TSan cannot see
// (GCC's -Wtsan, an error here), as Boost.Fiber's do, so its reports would not be about the
// adapter. The asan and release builds run both.
using stackless_models_only = std::tuple<models::coroutines>;
#else
using stackless_models_only = std::tuple<models::coroutines, models::asio_coro>;
#endif

}  // namespace threadlab::conformance
