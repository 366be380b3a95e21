#!/usr/bin/env bash
# scripts/go_peer.sh — a peer for the http workload: Go's net/http hello server
# (scripts/peers/go_hello.go) under the very wrk command threadlab's http workload runs, next to
# threadlab's own models, in one run on this machine. Optional: it needs golang-go and wrk, and
# is neither built nor tested with the project.
# Usage: scripts/go_peer.sh [workers (default 2)] [connections (default 64)] [rounds (default 3)]
# Prints one line per server and round: requests/s and p99 latency, then the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
workers=${1:-2}
connections=${2:-64}
rounds=${3:-3}
command -v go >/dev/null || { echo "go_peer: golang-go is not installed (apt-get install golang-go)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "go_peer: wrk is not installed (scripts/deps.sh installs it)" >&2; exit 1; }
bin=build/release/bench/threadlab
[[ -x $bin ]] || { echo "go_peer: build threadlab first (scripts/quickstart.sh)" >&2; exit 1; }

work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# A module of its own in a scratch folder: nothing is downloaded, nothing lands in the tree.
cp scripts/peers/go_hello.go "$work/main.go"
(cd "$work" && printf 'module gohello\n\ngo 1.19\n' >go.mod &&
  GOCACHE="$work/cache" GOFLAGS=-mod=mod go build -o go_hello . )

seconds=$((1 + connections / 2000))  # the http workload's wrk duration
go_round() {
  GOMAXPROCS=$workers "$work/go_hello" >"$work/port" &
  server=$!
  for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
  local port; port=$(head -1 "$work/port")
  wrk -t1 -c"$connections" -d"${seconds}s" --latency --timeout 2s "http://127.0.0.1:$port/" >"$work/wrk"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk")
  grep -q "Non-2xx\|Socket errors" "$work/wrk" && { echo "go_peer: wrk reported errors:" >&2; cat "$work/wrk" >&2; exit 1; }
  echo "go net/http   requests/s $rps   p99 $p99"
  echo "$rps" >>"$work/go_rps"
}
threadlab_round() {
  "$bin" run --workload http --model hybrid,hybrid_uring,green,kernel_pool --workers "$workers" \
    --size "$connections" --repetitions 1 --warmup 0 --format csv >"$work/tl.csv"
  python3 - "$work/tl.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok"]
value = {(r["model"], r["metric"]): float(r["median"]) for r in rows}
for model in dict.fromkeys(r["model"] for r in rows):
    rps = value[(model, "requests_per_s")]
    p99 = value[(model, "latency_p99_ns")] / 1e6
    print(f"{model:<13} requests/s {rps:.0f}   p99 {p99:.2f}ms")
PY
}
for round in $(seq "$rounds"); do
  echo "-- round $round: $workers workers, $connections connections, wrk -t1 -c$connections -d${seconds}s"
  go_round
  threadlab_round
done
echo "-- go net/http median requests/s: $(sort -n "$work/go_rps" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
