#!/usr/bin/env bash
# scripts/trace_overhead.sh — proves that the state-tracing hooks cost nothing when no tracer
# is given, and prints the proof as a markdown table on stdout (progress goes to stderr), ready
# for scripts/results.sh to include.
#
# How: builds Release twice, hooks compiled in (build/release, THREADLAB_TRACE_HOOKS=ON) and
# compiled out (build/release-nohooks, THREADLAB_TRACE_HOOKS=OFF), then runs pingpong — the
# workload with the most state changes per nanosecond — on every model that can run it, the two
# binaries interleaved: in each round, each model runs ON then OFF (A B A B ...), so drift in
# machine load hits both builds alike. Each run is one `threadlab run` of REPS repetitions of
# SIZE round trips (after its own warm-up), pinned to one CPU (taskset) with one worker, so that
# the M:N models' idle-worker protocol and cross-CPU futex wake-ups do not dominate the noise
# (pinned with two workers, boost_fiber_ws's idle worker spins and a run takes minutes): the
# hooks are the same code at any worker count, and the figure we want is their cost, not the
# schedulers' parallel behaviour.
#
# Reported per model: the median ns per one-way switch of each build, and ON/OFF: each round
# gives one paired ratio (median of its ON run / median of its OFF run); the figure is the
# median of those ratios, and its noise the standard error of that median (from the ratios'
# MAD). Samples within one run are not independent (one process, one memory layout), so the
# noise is judged between rounds, not within. A model is "within 2%" when ON/OFF <= 1.02 and the
# noise is below 2% (ON faster than OFF is no cost: the two builds differ in code layout, which
# moves tight loops by a few percent either way); "noise too wide to tell" means rerun on a
# quieter machine or with more rounds.
#
# Usage: scripts/trace_overhead.sh [ROUNDS [REPS]]   (default 10 rounds of 7 repetitions; about
#        1.5 minutes of runs on a 2-core machine, plus the two builds when sources changed)
# Env:   JOBS (build parallelism, default 2), CPU (the CPU to pin to, default the last one),
#        SIZE (pingpong round trips per repetition, default 100000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-10}
reps=${2:-7}
jobs=${JOBS:-2}
cpu=${CPU:-$(($(nproc) - 1))}
size=${SIZE:-100000}
on=$root/build/release
off=$root/build/release-nohooks

for build in on off; do
  dir=$on flag=ON
  [[ $build == off ]] && dir=$off flag=OFF
  echo "trace_overhead: building $dir (hooks $flag)" >&2
  # The build's own output is shown only when it fails.
  # hooks ON is the release preset itself (build/release, shared with the other scripts);
  # hooks OFF is the same configuration in a folder of its own.
  if [[ $build == on ]]; then
    configure=(cmake --preset release -DTHREADLAB_TRACE_HOOKS=ON)
  else
    configure=(cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release
               -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DTHREADLAB_TRACE_HOOKS=OFF
               -DTHREADLAB_BUILD_TESTS=OFF)
  fi
  if ! log=$( (cd "$root" && "${configure[@]}" &&
               cmake --build "$dir" --target threadlab -j"$jobs") 2>&1); then
    echo "$log" | tail -n 40 >&2
    echo "trace_overhead: the build in $dir failed" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
models=$("$on/bench/threadlab" list | awk '/^Models:/{m=1;next} m&&NF{print $1}')
for ((r = 1; r <= rounds; r++)); do
  echo "trace_overhead: round $r of $rounds" >&2
  for model in $models; do
    for build in on off; do
      bin=$on/bench/threadlab
      [[ $build == off ]] && bin=$off/bench/threadlab
      # A failing or skipped run is reported in the table (python below), never silently.
      taskset -c "$cpu" "$bin" run --workload pingpong --model "$model" --workers 1 --size "$size" \
        --repetitions "$reps" \
        --format json --output "$tmp/$model.$build.$r.json" >/dev/null 2>&1 || true
    done
  done
done

python3 - "$tmp" "$rounds" "$reps" "$cpu" "$size" $models <<'PY'
import json, statistics, sys
tmp, rounds, reps, cpu, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
models = sys.argv[6:]
LIMIT = 0.02

def round_median(model, build, r):
    """(median ns per switch of one run, None) or (None, why it has none)."""
    try:
        with open(f"{tmp}/{model}.{build}.{r}.json") as f:
            rec = json.load(f)["records"][0]
    except (OSError, ValueError, KeyError, IndexError):
        return None, "no result"
    if rec.get("status") != "ok":
        return None, f"{rec.get('status')}: {rec.get('reason', '')}"
    return statistics.median(rec["metrics"][0]["samples"]), None

print("| model | hooks ON, ns/switch | hooks OFF, ns/switch | ON/OFF | noise (±) | verdict |")
print("|---|---:|---:|---:|---:|---|")
for m in models:
    on, off, ratios, why = [], [], [], "no result"
    for r in range(1, rounds + 1):
        (a, why_a), (b, why_b) = round_median(m, "on", r), round_median(m, "off", r)
        if a is None or b is None:
            why = why_a or why_b
            continue
        on.append(a); off.append(b); ratios.append(a / b)
    if len(ratios) < 2:
        why = why.replace("|", "/")
        print(f"| {m} | - | - | - | - | not run ({why}) |")
        continue
    ratio = statistics.median(ratios)
    # Standard error of a median of n paired ratios, from their MAD (normal approximation).
    mad = statistics.median(abs(x - ratio) for x in ratios)
    noise = 1.253 * 1.4826 * mad / len(ratios) ** 0.5
    if noise > LIMIT:
        verdict = "noise too wide to tell"
    elif ratio > 1 + LIMIT:
        verdict = "**outside 2%**"
    elif ratio < 1 - LIMIT:
        verdict = "within 2% (ON faster: code layout, not the hooks)"
    else:
        verdict = "within 2%"
    print(f"| {m} | {statistics.median(on):.1f} | {statistics.median(off):.1f} | {ratio:.3f} "
          f"| {100 * noise:.1f}% | {verdict} |")
print(f"\nPingpong, hooks compiled in but no tracer given (ON) against hooks compiled out (OFF), "
      f"{rounds} interleaved rounds (ON, OFF, ON, OFF, ...), each run {reps} repetitions of "
      f"{size} round trips, one worker, pinned to CPU {cpu}. ON/OFF is the median over rounds "
      "of each round's ratio of medians; noise is that median's standard error (from the "
      "ratios' MAD). Produced by `scripts/trace_overhead.sh`.")
PY
