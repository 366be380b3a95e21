#!/usr/bin/env bash
# scripts/test.sh — quick-start command 2: install what is missing, build, run every test.
# Ends with ctest's summary. Usage: scripts/test.sh [--preset release|debug|asan|tsan]
#   release (default): every suite. asan: every suite under AddressSanitizer + UBSan.
#   tsan: the suites that are clean under ThreadSanitizer (tsan_suites below).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=release
while [[ $# -gt 0 ]]; do
  case "$1" in
    --preset) preset="${2:?--preset needs a value}"; shift 2 ;;
    *) echo "scripts/test.sh: unknown argument '$1' (valid: --preset release|debug|asan|tsan)" >&2; exit 2 ;;
  esac
done
case "$preset" in release|debug|asan|tsan) ;; *)
  echo "scripts/test.sh: unknown preset '$preset' (valid: release, debug, asan, tsan)" >&2; exit 2 ;;
esac

scripts/deps.sh --tests
cmake --preset "$preset" -DTHREADLAB_BUILD_TESTS=ON >/dev/null
# ThreadSanitizer covers our own concurrent code: the hybrid and coroutines schedulers and
# kernel_threads.
# Boost.Fiber on several kernel threads (boost_fiber_ws, and so the conformance and harness
# suites that include it) gives false race reports under TSan — its internals are not annotated
# and GCC warns (-Wtsan) that TSan cannot see the fences its headers use — so those suites are
# not built in the tsan preset. conformance_stackless is the conformance suite's coroutine forms
# alone (tests/conformance/stackless_models.hpp), which leave Boost.Fiber out.
tsan_suites=(hybrid kernel_threads coroutines conformance_stackless)
build_args=(--preset "$preset" -j "$(nproc)")
ctest_args=(--preset "$preset" -j "$(nproc)")
if [[ "$preset" == tsan ]]; then
  for suite in "${tsan_suites[@]}"; do build_args+=(--target "${suite}_tests"); done
  ctest_args+=(-R "^($(IFS='|'; echo "${tsan_suites[*]}"))/")
fi
cmake --build "${build_args[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
ctest "${ctest_args[@]}"
