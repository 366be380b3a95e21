#!/usr/bin/env bash
# tests/soak/soak_script_test.sh — scripts/soak.sh judged on runs whose outcome is known.
#
#   soak_script_test.sh clean  BIN   a 2-minute soak of the real program must pass (CI's soak)
#   soak_script_test.sh leak   BIN   a planted leak (--leak-bytes-per-round) must fail it as
#                                    growth (exit 4), with the RSS marked as grown
#   soak_script_test.sh fail   BIN   a planted lost message (--lose-value-at-round) must fail it
#                                    as an accounting error (exit 1) naming the model, the seed
#                                    and the difference, and the replay it prints must pass
#   soak_script_test.sh crash  BIN   a planted crash (--crash-at-round) must fail it (exit 1),
#                                    the log naming the round's model and seed, and a backtrace
#   soak_script_test.sh hang   BIN   a planted hang (--hang-at-round) must fail it as a hang
#                                    (exit 3), with hang.txt naming the round's seed and model
#
# BIN is the threadlab-soak program. Each run writes into a temporary folder, removed at the
# end unless the test failed (its path is printed then).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:?usage: soak_script_test.sh clean|leak|fail|crash|hang BIN}
bin=${2:?usage: soak_script_test.sh clean|leak|fail|crash|hang BIN}
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
    # Every model.
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
  fail)
    "$root/scripts/soak.sh" --minutes 1 --bin "$bin" --out "$out" -- --lose-value-at-round 4
    status=$?
    [[ $status -eq 1 ]] || fail "a planted lost value exited with status $status, expected 1"
    grep -q '^FAIL model=[a-z_]* seed=[0-9]* workers=[0-9]* round=4$' "$out/soak.log" ||
      fail "no FAIL line naming the model, seed and round"
    grep -q '^  difference: channel #0: values received (count) vs pushed: expected ' \
      "$out/soak.log" || fail "the difference is not named"
    grep -q '^Outcome: \*\*failed: a round.s accounting differed' "$out/summary.md" ||
      fail "the summary does not say the accounting differed"
    replay=$(sed -n 's/^replay: //p' "$out/soak.log")
    [[ -n $replay ]] || fail "no replay command"
    # The replay runs the same program without the planted fault: it must pass.
    $replay >"$out/replay.log" 2>&1 || fail "the replay '$replay' failed: $(cat "$out/replay.log")"
    ;;
  crash)
    "$root/scripts/soak.sh" --minutes 1 --bin "$bin" --out "$out" -- --crash-at-round 3
    status=$?
    [[ $status -eq 1 ]] || fail "a planted crash exited with status $status, expected 1"
    grep -q '^crash: signal 11 in a round of model=[a-z_]* seed=[0-9]* workers=[0-9]*$' \
      "$out/soak.log" || fail "no crash line naming the round"
    grep -q '^replay: .* --seed [0-9]* --model [a-z_]*$' "$out/soak.log" || fail "no replay line"
    grep -q '^crash: backtrace' "$out/soak.log" || fail "no backtrace"
    grep -q '^Outcome: \*\*failed: the program crashed (signal 11)' "$out/summary.md" ||
      fail "the summary does not say the program crashed"
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
