#!/usr/bin/env bash
# scripts/install_check.sh — the installed package, used as a project outside this repository
# would use it (the ctest install/out-of-tree-model runs it on the release build):
#   1. `cmake --install BUILD_DIR` to a temporary prefix, then move the prefix elsewhere (the
#      installed tree must be relocatable);
#   2. configure examples/out_of_tree_model against it (CMAKE_PREFIX_PATH) and build its
#      `threadlab` and its conformance suite, on 2 cores;
#   3. run the conformance suite on its model, `async`;
#   4. run a comparison of async and kernel (spawn_join, pingpong) with that `threadlab`, and
#      check async's column is in the table; run echo on async, whose load generator the
#      program must find in the installed tree; check `list` names async;
#   5. check the installed `threadlab` runs from the installed tree.
# Prints each step with the seconds elapsed. Exit status 0 when all pass.
# Usage: scripts/install_check.sh BUILD_DIR   (a build with every target built, e.g. build/release)
set -euo pipefail
build="$(cd "${1:?usage: scripts/install_check.sh BUILD_DIR}" && pwd)"
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/threadlab-install-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '[%4ds] %s\n' "$SECONDS" "$*"; }
fail() { echo "install_check: $*" >&2; exit 1; }

step "install $build to a temporary prefix, then move it"
cmake --install "$build" --prefix "$work/staged" >/dev/null
mv "$work/staged" "$work/prefix"
prefix="$work/prefix"

step "configure examples/out_of_tree_model against it"
cmake -S "$source_dir/examples/out_of_tree_model" -B "$work/build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null

step "build its threadlab and async_conformance (-j2)"
cmake --build "$work/build" -j2 --target threadlab async_conformance >/dev/null

step "conformance suite on async"
"$work/build/async_conformance" --no-version

step "threadlab run --model async,kernel --workload spawn_join,pingpong"
table="$("$work/build/threadlab" run --model async,kernel --workload spawn_join,pingpong \
  --size 1000 --repetitions 1 --warmup 0)" || fail "the comparison failed"
sed -n '1,6p' <<<"$table"
header="$(grep -m1 '^workload ' <<<"$table")" || fail "no table header in the report"
[[ "$header" =~ [[:space:]]async([[:space:]]|$) ]] || fail "async has no column: $header"
[[ "$header" =~ [[:space:]]kernel([[:space:]]|$) ]] || fail "kernel has no column: $header"
for workload in spawn_join pingpong; do
  grep -q "^$workload " <<<"$table" || fail "no row for $workload"
done

step "threadlab run --model async --workload echo (the installed load generator)"
echo_table="$("$work/build/threadlab" run --model async --workload echo --size 4 \
  --repetitions 1 --warmup 0)" || fail "echo on async failed"
grep -q '^echo ' <<<"$echo_table" || fail "no echo row: $echo_table"

step "threadlab list names async; the installed threadlab runs"
grep -qw async <<<"$("$work/build/threadlab" list)" || fail "threadlab list does not name async"
grep -qw hybrid <<<"$("$prefix/bin/threadlab" list)" || fail "the installed threadlab does not run"

step "done"
