#!/usr/bin/env bash
# tests/hybrid/gdb_helper_test.sh TARGET HELPER — runs TARGET (tests/hybrid/gdb_target.cpp) under
# gdb in batch mode with HELPER (scripts/gdb/hybrid.py) loaded, and checks that `hybrid threads`
# lists the parked threads with what they wait for and that `hybrid bt` of the consumer shows
# the frame it parked in. Frame #0 must be switch_away, where the saved return address points:
# registers read from the wrong offsets (another Boost version's fcontext layout) give a bogus
# frame #0 from which gdb may still unwind to the frames below. Skipped (exit 77) when gdb is
# not installed.
set -euo pipefail
target=$1
helper=$2
if ! command -v gdb >/dev/null; then
  echo "gdb helper test skipped: gdb is not installed (scripts/deps.sh --tests installs it)"
  exit 77
fi
out=$(timeout 120 gdb -nx -batch -iex "set debuginfod enabled off" \
      -ex run -ex "source $helper" -ex "hybrid threads" -ex "hybrid bt consumer" \
      -ex "hybrid bt 1" -ex kill "$target" 2>&1) || true
echo "$out"
fail() { echo "FAILED: $1"; exit 1; }
grep -Eq 'consumer +blocked +- +channel pop' <<<"$out" || fail "consumer blocked in a channel pop"
grep -Eq 'locker +blocked +- +mutex lock' <<<"$out" || fail "locker blocked on the mutex"
grep -Eq 'main +running +0' <<<"$out" || fail "the body (named main) running on worker 0"
grep -q '3 green threads alive' <<<"$out" || fail "three threads alive"
grep -q 'green thread #[0-9]* (consumer), blocked, in channel pop:' <<<"$out" ||
  fail "the consumer's backtrace header"
grep -Eq '^#0 .* in hybrid::detail::switch_away' <<<"$out" ||
  fail "frame #0 is switch_away (the saved registers read at the right offsets)"
grep -Eq '^#[0-9]+ .*wait_for_a_message' <<<"$out" || fail "wait_for_a_message in the backtrace"
grep -q 'is running (worker 0)' <<<"$out" || fail "bt of the running body says where to look"
echo "gdb helper: ok"
