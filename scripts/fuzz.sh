#!/usr/bin/env bash
# scripts/fuzz.sh — build the fuzz preset and run every libFuzzer target of tests/fuzz for a
# bounded time, each on a copy of its seed corpus (tests/fuzz/corpus/<target>/, which stays as
# committed) with its dictionary. Exits 1 when a target crashes, hangs past -timeout, or grows
# past -rss_limit_mb, printing the reproducer's path; 2 for a bad argument.
# Usage: scripts/fuzz.sh [--seconds N] [--jobs J] [TARGET...]
#   N: seconds per target (default 30); J: targets run at once (default: the cores);
#   TARGET: cli, results_file, wrk_output, http_request (default: all).
# Reproduce a failure: build/fuzz/tests/fuzz/<target>_fuzz <reproducer>
set -euo pipefail
cd "$(dirname "$0")/.."
all_targets=(cli results_file wrk_output http_request)
seconds=30
jobs=$(nproc)
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a value}"; shift 2 ;;
    -*) echo "scripts/fuzz.sh: unknown option '$1' (valid: --seconds N, --jobs J)" >&2; exit 2 ;;
    *)
      if [[ ! " ${all_targets[*]} " == *" $1 "* ]]; then
        echo "scripts/fuzz.sh: unknown target '$1' (valid: ${all_targets[*]})" >&2; exit 2
      fi
      targets+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "scripts/fuzz.sh: --seconds '$seconds' is not a positive integer" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "scripts/fuzz.sh: --jobs '$jobs' is not a positive integer" >&2; exit 2; }
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")

scripts/deps.sh --fuzz
cmake --preset fuzz >/dev/null
build_args=(--preset fuzz -j "$(nproc)")
for t in "${targets[@]}"; do build_args+=(--target "${t}_fuzz"); done
cmake --build "${build_args[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/threadlab-fuzz.XXXXXX")
# -timeout: one input may take 10 s (the slowest seeds take milliseconds); -rss_limit_mb: the
# process may hold 2 GiB; -max_len: inputs up to 8 KiB, and 16 KiB for http_request_fuzz, past
# the 8 KiB header limit of the server it drives (the most it takes: max_input there).
# UBSan reports are fatal in the build; ASan's leak check runs at exit of each target.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run_target(t) — fuzz t for $seconds; its log is $work/$t.log, its exit status $work/$t.rc.
run_target() {
  local t="$1"
  cp -r "tests/fuzz/corpus/$t" "$work/$t-corpus"
  local max_len=8192
  if [[ "$t" == http_request ]]; then max_len=16384; fi
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len"
              -print_final_stats=1 -artifact_prefix="$work/$t-")
  if [[ -f "tests/fuzz/$t.dict" ]]; then args+=(-dict="tests/fuzz/$t.dict"); fi
  local rc=0
  timeout --kill-after=10 $((seconds + 120)) "build/fuzz/tests/fuzz/${t}_fuzz" "${args[@]}" \
    "$work/$t-corpus" >"$work/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$t.rc"
}

start=$SECONDS
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then wait -n || true; running=$((running - 1)); fi
done
wait

failed=0
for t in "${targets[@]}"; do
  rc=$(cat "$work/$t.rc")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
  if [[ "$rc" == 0 ]]; then
    echo "fuzz: $t: ${runs:-?} runs in ${seconds} s, no failure"
  else
    failed=1
    reproducer=$(find "$work" -maxdepth 1 -name "$t-*" -type f | head -1)
    echo "fuzz: $t: FAILED (exit $rc); reproducer: ${reproducer:-none written}; log: $work/$t.log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$work/$t.log" | head -5 | sed 's/^/  /'
  fi
done
echo "fuzz: $(( SECONDS - start )) s for ${#targets[@]} targets, ${jobs} at a time"
if [[ $failed -ne 0 ]]; then
  echo "fuzz: kept $work; rerun one input with build/fuzz/tests/fuzz/<target>_fuzz <reproducer>"
  exit 1
fi
rm -rf "$work"
