#!/usr/bin/env bash
# scripts/go_hotpaths.sh — a peer for the scheduler hot paths: Go's runtime (goroutines, channels,
# sync.Mutex; scripts/peers/go_hotpaths.go) against threadlab's hybrid model on yield, pingpong,
# spawn_join, ring, pipeline, skynet and mutex, same sizes and same timed regions, with
# GOMAXPROCS = --workers, in one run on this machine, next to the context_switch floor.
# Optional: it needs golang-go and a built threadlab, and is neither built nor tested with the
# project. Run it on a quiet machine: the full run takes a few minutes.
# Usage: scripts/go_hotpaths.sh [workers (default 2)] [repetitions (default 7)] [scale (default 1)]
#   scale multiplies every workload's default size, for quick checks only (e.g. 0.01); with it
#   both sides get the same --size. Each side runs 1 warm-up, then `repetitions` measured runs.
# Prints a markdown table of medians (ns; lower is better). Exits 1 when a run failed its check.
set -euo pipefail
cd "$(dirname "$0")/.."
workers=${1:-2}
reps=${2:-7}
scale=${3:-1}
[[ $workers =~ ^[1-9][0-9]*$ && $reps =~ ^[1-9][0-9]*$ && $scale =~ ^[0-9]*\.?[0-9]+$ ]] ||
  { echo "usage: scripts/go_hotpaths.sh [workers (default 2)] [repetitions (default 7)] [scale (default 1)]" >&2; exit 2; }
command -v go >/dev/null || { echo "go_hotpaths: golang-go is not installed (apt-get install golang-go)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "go_hotpaths: python3 is not installed" >&2; exit 1; }
bin=build/release/bench/threadlab
[[ -x $bin ]] || { echo "go_hotpaths: build threadlab first (scripts/quickstart.sh)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A module of its own in a scratch folder: nothing is downloaded, nothing lands in the tree.
cp scripts/peers/go_hotpaths.go "$work/main.go"
(cd "$work" && printf 'module gohotpaths\n\ngo 1.19\n' >go.mod &&
  GOCACHE="$work/cache" GOFLAGS=-mod=mod go build -o go_hotpaths . )
peer=$work/go_hotpaths

workloads=(yield pingpong spawn_join ring pipeline skynet mutex)
status=0
# sizes: the default ones (threadlab's own) unless scaled; then the Go program's, passed to both.
GOMAXPROCS=$workers "$peer" -scale "$scale" -sizes >"$work/sizes"
size_of() { awk -v w="$1" '$1 == w {print $2}' "$work/sizes"; }
scaled() { [[ $scale != 1 && $scale != 1.0 ]]; }

echo "-- context_switch floor" >&2
floor_size=()
scaled && floor_size=(--size "$(awk -v s="$scale" 'BEGIN {n = int(1e7 * s + 0.5); print n < 1 ? 1 : n}')")
"$bin" run --workload context_switch --repetitions "$reps" --format json ${floor_size[@]+"${floor_size[@]}"} \
  >"$work/floor.json" || status=1
for w in "${workloads[@]}"; do
  size=()
  scaled && size=(--size "$(size_of "$w")")
  echo "-- $w: go (GOMAXPROCS=$workers), threadlab hybrid (--workers $workers)" >&2
  GOMAXPROCS=$workers "$peer" -workload "$w" -reps "$reps" -scale "$scale" >"$work/go_$w.json" || status=1
  "$bin" run --workload "$w" --model hybrid --workers "$workers" --repetitions "$reps" --format json \
    ${size[@]+"${size[@]}"} >"$work/hybrid_$w.json" || status=1
done

python3 - "$work" "$workers" "$reps" "$scale" "${workloads[@]}" <<'PY' || status=1
import json, os, sys
work, workers, reps, scale, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]

def load(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""

def threadlab(path, metric):
    """The median of `metric` in a threadlab JSON report (one record), or (None, why)."""
    try:
        record = json.loads(load(path))["records"][0]
    except (ValueError, KeyError, IndexError):
        return None, "no report"
    if record["status"] != "ok":
        return None, f"{record['status']}: {record['reason']}"
    for m in record["metrics"]:
        if m["name"] == metric:
            return m["median"], record["size"]
    return None, f"no {metric}"

ok = True
floor, _ = threadlab(os.path.join(work, "floor.json"), "ns_per_switch")
ok &= floor is not None
rows, sizes = [], []
for name in names:
    text = load(os.path.join(work, f"go_{name}.json")).strip()
    go = json.loads(text) if text else None
    metric = go["metric"] if go else {"yield": "ns_per_yield", "pingpong": "ns_per_switch",
        "spawn_join": "ns_per_thread", "ring": "ns_per_hop", "pipeline": "ns_per_message",
        "skynet": "ns_per_leaf", "mutex": "ns_per_lock"}[name]
    hybrid, info = threadlab(os.path.join(work, f"hybrid_{name}.json"), metric)
    go_median = go["median"] if go else None
    ok &= hybrid is not None and go_median is not None
    sizes.append(f"{name} {go['size'] if go else '?'}")

    def ns(v, why="failed"):
        return f"{v:.1f}" if v is not None else why
    def ratio(a, b):
        return f"{a / b:.2f}" if a is not None and b else "-"
    rows.append([name, metric, ns(hybrid, f"failed ({info})"), ns(go_median),
                 ratio(hybrid, go_median), ratio(hybrid, floor), ratio(go_median, floor)])

floor_text = f"{floor:.2f} ns/switch" if floor is not None else "failed"
print(f"{workers} workers (Go: GOMAXPROCS={workers}); medians of {reps} repetition{'s' if reps != '1' else ''} after 1 warm-up; "
      f"context_switch floor {floor_text}; sizes: "
      + ("each workload's default" if float(scale) == 1 else f"x{scale}: " + ", ".join(sizes)))
print()
header = ["workload", "metric", "hybrid median (ns)", "Go median (ns)", "hybrid/Go",
          "hybrid x floor", "Go x floor"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
for row in rows:
    print("| " + " | ".join(row) + " |")
sys.exit(0 if ok else 1)
PY
exit $status
