#!/usr/bin/env bash
# tests/soak/soak_script_test.sh — scripts/soak.sh judged on runs whose outcome is known.
#
#   soak_script_test.sh clean  BIN   a 2-minute soak of the real program must pass (CI's soak)
#   soak_script_test.sh leak   BIN   a planted leak (--leak-bytes-per-round) must fail it as
#                                    growth (exit 4), with the RSS marked as grown
#   soak_script_test.sh hang   BIN   a planted hang (--hang-at-round) must fail it as a hang
#                                    (exit 3), with hang.txt naming the round's seed and model
#
# BIN is the threadlab-soak program. Each run writes into a temporary folder, removed at the
# end unless the test failed (its path is printed then).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:?usage: soak_script_test.sh clean|leak|hang BIN}
bin=${2:?usage: soak_script_test.sh clean|leak|hang BIN}
out=$(mktemp -d /tmp/threadlab-soak-test.XXXXXX)

fail() {
  echo "soak_script_test.sh $mode: $*" >&2
  echo "--- summary.md:" >&2
  cat "$out/summary.md" >&2 2>/dev/null
  echo "--- the program's last lines:" >&2
  tail -n 15 "$out/soak.log" >&2 2>/dev/null
  echo "(kept in $out)" >&2
  exit 1
}

case "$mode" in
  clean)
    "$root/scripts/soak.sh" --minutes 2 --bin "$bin" --out "$out"
    status=$?
    [[ $status -eq 0 ]] || fail "a clean soak exited with status $status, expected 0"
    grep -q '^Outcome: \*\*passed\*\*' "$out/summary.md" || fail "the summary does not say passed"
    ;;
  leak)
    # 1 MiB a round, on kernel threads only (the slowest steady rounds: about 40 a second on an
    # idle 2-core machine), for 20 s: the run leaks under a GiB, and the median RSS of the last
    # third (about 5 s after the second's) lies tens of MiB above the second's, over the real
    # 16 MiB limit. A machine so loaded that it runs fewer than 5 rounds a second cannot show
    # the leak in 20 s: then the test is skipped, not failed.
    "$root/scripts/soak.sh" --minutes 0.34 --bin "$bin" --out "$out" -- --model kernel \
      --leak-bytes-per-round $((1 << 20))
    status=$?
    rounds=$(sed -n 's/^done rounds=\([0-9]*\) .*/\1/p' "$out/soak.log")
    if [[ $status -eq 0 && -n $rounds && $rounds -lt 100 ]]; then
      echo "soak_script_test.sh leak: skipped: only ${rounds:-0} rounds in 20 s" >&2
      rm -rf "$out"
      exit 77
    fi
    [[ $status -eq 4 ]] || fail "a planted leak exited with status $status, expected 4 (growth)"
    grep -q '^| RSS |.*| \*\*grew\*\* |$' "$out/summary.md" || fail "RSS is not marked as grown"
    ;;
  hang)
    "$root/scripts/soak.sh" --minutes 1 --stall-seconds 5 --bin "$bin" --out "$out" -- \
      --hang-at-round 3 --stuck-after-ms 1000
    status=$?
    [[ $status -eq 3 ]] || fail "a planted hang exited with status $status, expected 3 (hang)"
    grep -q 'progress rounds=2 .*seed=[0-9]* model=[a-z_]* ' "$out/hang.txt" ||
      fail "hang.txt does not name the hung round's seed and model"
    grep -q '^Threads' "$out/hang.txt" || fail "hang.txt lists no threads"
    ;;
  *)
    echo "soak_script_test.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
rm -rf "$out"
echo "soak_script_test.sh $mode: ok"
