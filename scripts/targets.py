#!/usr/bin/env python3
"""scripts/targets.py RESULTS.json — the hybrid scheduler's speed targets, as measured.

Reads a `threadlab run --format json` file that holds hybrid's records and the context_switch
baseline from the same run, and prints a markdown table: each target in units of that floor,
the measured median, and whether it is met. Used by scripts/results.sh; nothing is typed.

With the atomic_rmw baseline in the file, channel-bound rows also show the least any design
could reach that takes a lock per channel operation (hybrid, Go and Boost.Fiber all do): its
locked instructions per operation times atomic_rmw, plus its switches times the floor.
"""
import json
import sys

# (workload, metric, limit, unit of the limit) — the targets for --workers 2 (hybrid/README.md,
# "Speed targets"). "floor" limits are multiples of the context_switch median measured in the
# same run; "floor, stable" also needs the median absolute deviation within 10% of the median.
TARGETS = [
    ("yield", "ns_per_yield", 6, "floor"),
    ("pingpong", "ns_per_switch", 8, "floor"),
    ("spawn_join", "ns_per_thread", 15, "floor"),
    ("ring", "ns_per_hop", 9, "floor"),
    ("pipeline", "ns_per_message", 12, "floor"),
    ("skynet", "ns_per_leaf", 6, "floor"),
    ("skynet", "peak_rss_bytes", 200 * 1024 * 1024, "bytes"),
    ("mutex", "ns_per_lock", 5, "floor, stable"),
    ("parallel_compute", "speedup", 1.9, "at least"),
    ("memory", "rss_bytes_per_thread", 4 * 1024, "bytes"),
    ("idle", "idle_cpu_percent", 0.5, "percent"),
]
MAX_MAD_SHARE = 0.10  # "stable": MAD <= 10% of the median

# workload -> (locked instructions, switches) per operation that no lock-per-channel-operation
# design avoids: a yield is one switch; a pingpong one-way trip and a ring hop are one push and
# one pop (a lock each) and one switch; a pipeline message is five pushes and five pops, and a
# model that batches (channels of 64) switches far less than once a message.
LEAST_WORK = {
    "yield": (0, 1),
    "pingpong": (2, 1),
    "ring": (2, 1),
    "pipeline": (10, 0),
}


def find(records, workload, model, metric):
    """The metric's summary (median, mad, ...) and its record, or (None, None)."""
    for r in records:
        if r["workload"] == workload and r["model"] == model and r["status"] == "ok":
            for m in r["metrics"]:
                if m["name"] == metric:
                    return m, r
    return None, None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/targets.py RESULTS.json")
    with open(sys.argv[1]) as f:
        results = json.load(f)
    records = results["records"]
    base, _ = find(records, "context_switch", "baseline", "ns_per_switch")
    if base is None:
        sys.exit("targets.py: no context_switch baseline in " + sys.argv[1])
    floor = base["median"]
    rmw_summary, _ = find(records, "atomic_rmw", "baseline", "ns_per_rmw")
    rmw = rmw_summary["median"] if rmw_summary else None
    print(f"Floor (bare boost::context::fiber one-way switch, same run): {floor:.2f} ns")
    if rmw is not None:
        print(f"An uncontended locked exchange (atomic_rmw, same run): {rmw:.2f} ns = "
              f"{rmw / floor:.2f}x floor")
    print()
    print("| workload | metric | target | measured | x floor | least possible | met |")
    print("|---|---|---:|---:|---:|---:|---|")
    for workload, metric, limit, kind in TARGETS:
        summary, record = find(records, workload, "hybrid", metric)
        if summary is None:
            print(f"| {workload} | {metric} | | not measured | | | no |")
            continue
        value = summary["median"]
        if record.get("scaled"):
            workload += f" (scaled: {record['size']:,})"
        if kind.startswith("floor"):
            ratio = value / floor
            met = ratio <= limit
            target = f"<= {limit}x floor ({limit * floor:.0f} ns)"
            measured = f"{value:.1f} ns"
            if kind == "floor, stable":
                share = summary["mad"] / value if value else 0.0
                met = met and share <= MAX_MAD_SHARE
                target += f", MAD <= {MAX_MAD_SHARE:.0%}"
                measured += f" (MAD {share:.0%})"
            print(f"| {workload} | {metric} | {target} | {measured} | {ratio:.1f} "
                  f"| {least_possible(workload, floor, rmw)} | {'yes' if met else 'NO'} |")
        elif kind == "bytes":
            shown = f"{value / 1024:,.1f} KiB" if value < 1024 * 1024 else f"{value / 2**20:,.1f} MiB"
            limit_shown = f"{limit / 1024:,.0f} KiB" if limit < 1024 * 1024 else f"{limit / 2**20:,.0f} MiB"
            print(f"| {workload} | {metric} | <= {limit_shown} | {shown} ({value:,.0f} B) "
                  f"| | | {'yes' if value <= limit else 'NO'} |")
        elif kind == "percent":
            print(f"| {workload} | {metric} | <= {limit}% of a core | {value:.2f}% "
                  f"| | | {'yes' if value <= limit else 'NO'} |")
        else:
            print(f"| {workload} | {metric} | >= {limit} | {value:.2f}x | | "
                  f"| {'yes' if value >= limit else 'NO'} |")
    print_counters(records)


def least_possible(workload, floor, rmw):
    """The LEAST_WORK bound for the row, in units of the floor, or "" when none applies."""
    work = LEAST_WORK.get(workload.split(" ")[0])
    if work is None or rmw is None:
        return ""
    locks, switches = work
    return f"{(locks * rmw + switches * floor) / floor:.1f}x"


def print_counters(records):
    """The scheduler's own counters (sched_* metrics), per workload: what explains the times."""
    rows = [r for r in records if r["model"] == "hybrid" and r["status"] == "ok"]
    names = []
    for r in rows:
        for m in r["metrics"]:
            if m["name"].startswith("sched_") and m["name"] not in names:
                names.append(m["name"])
    if not names:
        return
    print("\nThe scheduler's own counters in the same run (medians per repetition):\n")
    print("| workload | " + " | ".join(n[len("sched_"):].replace("_", " ") for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for r in rows:
        values = {m["name"]: m["median"] for m in r["metrics"]}
        cells = [f"{values[n]:,.0f}" if n in values else "" for n in names]
        print(f"| {r['workload']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
