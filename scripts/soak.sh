#!/usr/bin/env bash
# scripts/soak.sh — run the soak program for N minutes and watch the process: it fails on an
# accounting error, a hang, or steady growth of memory, descriptors or mappings.
#
#   scripts/soak.sh --minutes N [--out DIR] [--seed S] [--bin PATH] [--stall-seconds S]
#                   [report limits...] [-- soak program arguments...]
#
# The program (tests/soak/soak.cpp, built as threadlab-soak in the release preset; built here
# when missing) runs random programs on every model, one fresh world per round, each round
# checked exactly, with seeds S, S+1, ... (S defaults to the current time, so every soak tries
# new seeds; the summary says which). Meanwhile this script samples, once a second,
#   rss_kib  VmRSS of /proc/PID/status        fds   entries of /proc/PID/fd
#   maps     lines of /proc/PID/maps          threads, and the rounds finished so far
# into DIR/samples.csv. It fails (and says which in DIR/summary.md) on:
#   1  an accounting error or a crash: the program's FAIL lines name the model, the seed and
#      what differed; a crash's lines name the round's model and seed and give the faulting
#      thread's backtrace; both give the command that replays the round;
#   3  a hang: no round finished for --stall-seconds (default 60). What is known is dumped to
#      DIR/hang.txt (the program's last lines, which name the round and, after 10 s, its
#      activities' counters; every thread's state and kernel wait channel; gdb's backtraces when
#      gdb is installed, for up to a minute), then the process is killed;
#   4  steady growth: scripts/soak_report.py's rule — after a warm-up of the first sixth of the
#      samples, the rest is cut into thirds, and the median of the last third minus the median
#      of the second must stay under a limit: 16 MiB of RSS, 8 descriptors, 64 mappings
#      (--max-rss-growth-mib, --max-fd-growth, --max-maps-growth change them);
#   2  a bad argument.
# Whatever the outcome, DIR holds samples.csv, soak.log (the program's output), summary.md and
# soak.svg (RSS, descriptors and mappings over time, scripts/soak_plot.py). DIR defaults to a
# new folder under /tmp; `--out bench/soak` writes the artefacts bench/RESULTS.md includes
# (scripts/results.sh --soak-only).
set -uo pipefail
cd "$(dirname "$0")/.."

# usage(status) — the header above, then exit with status (0 for --help, 2 after a bad argument).
usage() {
  sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit "$1"
}

minutes=""
out=""
seed=""
bin=build/release/tests/soak/threadlab-soak
stall=60
report_args=()
program_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --seed) seed="${2:-}"; shift 2 ;;
    --bin) bin="${2:-}"; shift 2 ;;
    --stall-seconds) stall="${2:-}"; shift 2 ;;
    --max-rss-growth-mib|--max-fd-growth|--max-maps-growth) report_args+=("$1" "${2:-}"); shift 2 ;;
    --) shift; program_args=("$@"); break ;;
    -h|--help) usage 0 ;;
    *) echo "scripts/soak.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
if ! [[ $minutes =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ $(awk -v m="$minutes" 'BEGIN{print (m > 0)}') != 1 ]]; then
  echo "scripts/soak.sh: --minutes needs a positive number, not '$minutes'" >&2
  exit 2
fi
if ! [[ $stall =~ ^[0-9]+$ && $stall -gt 0 ]]; then
  echo "scripts/soak.sh: --stall-seconds needs a positive whole number, not '$stall'" >&2
  exit 2
fi
seed=${seed:-$(date +%s)}
if ! [[ $seed =~ ^[0-9]+$ ]]; then
  echo "scripts/soak.sh: --seed needs a whole number, not '$seed'" >&2
  exit 2
fi
seconds=$(awk -v m="$minutes" 'BEGIN{printf "%.1f", m * 60}')
if [[ -z $out ]]; then
  out=$(mktemp -d /tmp/threadlab-soak.XXXXXX)
fi
mkdir -p "$out"

if [[ ! -x $bin ]]; then
  echo "scripts/soak.sh: building $bin (release preset)" >&2
  cmake --preset release -DTHREADLAB_BUILD_TESTS=ON >/dev/null &&
    cmake --build --preset release -j "$(nproc)" --target threadlab-soak >/dev/null || exit 1
fi

log=$out/soak.log
csv=$out/samples.csv
command="scripts/soak.sh --minutes $minutes --seed $seed --out $out"
# The revision soaked: taken now, since the tree may move on during a long run.
revision=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
echo "scripts/soak.sh: $seconds s from seed $seed; samples in $csv" >&2
: >"$log"  # exists before this script opens it, whenever the program starts writing
"$bin" --seconds "$seconds" --seed "$seed" --heartbeat-ms 1000 "${program_args[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null' EXIT

# The sampling loop uses bash builtins only (no process per sample): on a loaded machine a
# fork waits for a core, and a second's sample must not cost a second.
# read_status — sets rss (KiB), threads and state from /proc/PID/status.
read_status() {
  rss="" threads="" state=""
  local key value rest
  while read -r key value rest; do
    case "$key" in
      State:) state=$value ;;
      VmRSS:) rss=$value ;;
      Threads:) threads=$value ;;
    esac
  done <"/proc/$pid/status"
}

# read_progress — sets progress to the program's latest progress line, reading only what the
# log gained since the last call (through the descriptor log_fd; a line still being written is
# kept in partial until its end arrives).
partial=""
progress=""
read_progress() {
  local line
  while IFS= read -r line <&"$log_fd"; do
    line=$partial$line
    partial=""
    [[ $line == "progress "* ]] && progress=$line
  done
  partial+=$line
}

# read_rounds — sets rounds to the rounds= field of progress (0 before the first line).
read_rounds() {
  local rest=" $progress "
  rest=${rest#* rounds=}
  rounds=0
  [[ $rest != " $progress " ]] && rounds=${rest%% *}
}

# dump_hang — what is known of a process whose rounds stopped finishing, into hang.txt.
dump_hang() {
  {
    local rest=" $progress " seed_now model_now
    rest=${rest#* seed=}
    seed_now=${rest%% *}
    rest=${rest#* model=}
    model_now=${rest%% *}
    echo "No round finished for $stall s. The round that hangs replays with:"
    echo "  $bin --seed $seed_now --model $model_now"
    echo
    echo "The program's last lines:"
    tail -n 40 "$log"
    echo
    echo "Threads (tid, name, state, kernel wait channel):"
    for task in /proc/"$pid"/task/*; do
      printf '%s %s %s %s\n' "${task##*/}" "$(cat "$task/comm" 2>/dev/null)" \
        "$(awk '{print $3}' "$task/stat" 2>/dev/null)" "$(cat "$task/wchan" 2>/dev/null)"
    done
    if command -v gdb >/dev/null; then
      echo
      echo "Backtraces (gdb):"
      timeout 60 gdb -p "$pid" -batch -ex 'thread apply all bt 12' 2>&1 | grep -v '^\[New LWP'
    fi
  } >"$out/hang.txt" 2>&1
}

echo "seconds,rss_kib,fds,maps,threads,rounds" >"$csv"
exec {log_fd}<"$log"
start=${EPOCHREALTIME/./}  # microseconds, as every time below
last_rounds=-1
last_change=$start
outcome=finished
tick=0
while :; do
  read_status 2>/dev/null
  [[ -z $state || $state == Z ]] && break  # exited (a zombie until we wait for it)
  fd_list=(/proc/"$pid"/fd/*)
  mapfile -t map_lines <"/proc/$pid/maps" 2>/dev/null
  read_progress
  read_rounds
  now=${EPOCHREALTIME/./}
  elapsed=$(((now - start) / 100000))  # tenths of a second
  # A read that raced with the process's exit leaves a field empty: no sample this second.
  if [[ -n $rss && -n $threads && ${#map_lines[@]} -gt 0 ]]; then
    echo "$((elapsed / 10)).$((elapsed % 10)),$rss,${#fd_list[@]},${#map_lines[@]},$threads,$rounds" >>"$csv"
  fi
  if [[ $rounds != "$last_rounds" ]]; then
    last_rounds=$rounds
    last_change=$now
  elif ((now - last_change > stall * 1000000)); then
    echo "scripts/soak.sh: HANG: no round finished for $stall s; $progress" >&2
    dump_hang
    kill -KILL "$pid" 2>/dev/null
    outcome=hang
    break
  fi
  # The next sample one second after the previous one's slot, whatever this one cost.
  tick=$((tick + 1))
  wait_us=$((start + tick * 1000000 - ${EPOCHREALTIME/./}))
  if ((wait_us > 0)); then
    printf -v pause '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000))
    sleep "$pause"
  fi
done
wait "$pid"
program_status=$?
trap - EXIT
signal=0
if [[ $outcome != hang && $program_status -gt 128 ]]; then
  outcome=crashed
  signal=$((program_status - 128))
  echo "scripts/soak.sh: the soak program died of signal $signal:" >&2
  grep -E '^(crash: |replay: )' "$log" >&2 || tail -n 20 "$log" >&2
elif [[ $outcome != hang && $program_status -ne 0 ]]; then
  outcome=failed
  echo "scripts/soak.sh: the soak program exited with status $program_status:" >&2
  grep -E '^(FAIL |  |replay: )' "$log" >&2 || tail -n 20 "$log" >&2
fi

python3 scripts/soak_report.py "$csv" "$log" --summary "$out/summary.md" \
  --command "$command" --revision "$revision" --outcome "$outcome" --signal "$signal" "${report_args[@]}" >&2
report_status=$?
python3 scripts/soak_plot.py "$csv" "$out/soak.svg" >&2 || echo "scripts/soak.sh: no plot" >&2
echo "scripts/soak.sh: $(grep -m1 '^Outcome:' "$out/summary.md" | tr -d '*') (details: $out/summary.md)" >&2

case "$outcome" in
  hang) exit 3 ;;
  failed | crashed) exit 1 ;;
esac
[[ $report_status -eq 4 ]] && exit 4
[[ $report_status -ne 0 ]] && exit 1
exit 0
