#!/usr/bin/env python3
"""scripts/targets.py RESULTS.json — the hybrid scheduler's speed targets, as measured.

Reads a `threadlab run --format json` file that holds hybrid's records and the context_switch
baseline from the same run, and prints a markdown table: each target in units of that floor,
the measured median, and whether it is met. Used by scripts/results.sh; nothing is typed.
"""
import json
import sys

# (workload, metric, limit, unit of the limit) — the targets for --workers 2 (hybrid/README.md,
# "Speed targets").
# "floor" limits are multiples of the context_switch median measured in the same run.
TARGETS = [
    ("yield", "ns_per_yield", 8, "floor"),
    ("pingpong", "ns_per_switch", 25, "floor"),
    ("spawn_join", "ns_per_thread", 30, "floor"),
    ("ring", "ns_per_hop", 30, "floor"),
    ("pipeline", "ns_per_message", 25, "floor"),
    ("skynet", "ns_per_leaf", 35, "floor"),
    ("skynet", "peak_rss_bytes", 200 * 1024 * 1024, "bytes"),
    ("parallel_compute", "speedup", 1.9, "at least"),
    ("memory", "rss_bytes_per_thread", 6 * 1024, "bytes"),
]


def median(records, workload, model, metric):
    for r in records:
        if r["workload"] == workload and r["model"] == model and r["status"] == "ok":
            for m in r["metrics"]:
                if m["name"] == metric:
                    return m["median"], r
    return None, None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/targets.py RESULTS.json")
    with open(sys.argv[1]) as f:
        results = json.load(f)
    records = results["records"]
    floor, _ = median(records, "context_switch", "baseline", "ns_per_switch")
    if floor is None:
        sys.exit("targets.py: no context_switch baseline in " + sys.argv[1])
    print(f"Floor (bare boost::context::fiber one-way switch, same run): {floor:.2f} ns\n")
    print("| workload | metric | target | measured | x floor | met |")
    print("|---|---|---:|---:|---:|---|")
    for workload, metric, limit, kind in TARGETS:
        value, record = median(records, workload, "hybrid", metric)
        if value is None:
            print(f"| {workload} | {metric} | | not measured | | no |")
            continue
        if record.get("scaled"):
            workload += f" (scaled: {record['size']:,})"
        if kind == "floor":
            ratio = value / floor
            print(f"| {workload} | {metric} | <= {limit}x floor ({limit * floor:.0f} ns) "
                  f"| {value:.1f} ns | {ratio:.1f} | {'yes' if ratio <= limit else 'NO'} |")
        elif kind == "bytes":
            print(f"| {workload} | {metric} | < {limit / 1024:,.0f} KiB | {value / 1024:,.1f} KiB "
                  f"| | {'yes' if value < limit else 'NO'} |")
        else:
            print(f"| {workload} | {metric} | >= {limit} | {value:.2f}x | "
                  f"| {'yes' if value >= limit else 'NO'} |")


if __name__ == "__main__":
    main()
