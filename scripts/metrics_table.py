#!/usr/bin/env python3
"""scripts/metrics_table.py RESULTS.json — every metric of every workload in a results file.

The summary table of `threadlab run` shows each workload's headline only. Some workloads are
read by several figures at once (blocking_io: compute and blocker ratios; fairness: lateness
and ticks), so this prints, per workload, one markdown table: a row per metric, a column per
model, each cell the median over the repetitions, and a note per model that starved or was
scaled. Used by scripts/results.sh; nothing is typed.
"""

import json
import sys


def fmt(value, unit):
    """A median with its unit, compactly: 1.23 ms, 0.75x, 12.3 K/s."""
    if unit == "ns":
        for scale, name in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
            if abs(value) >= scale:
                return f"{value / scale:.3g} {name}"
        return f"{value:.3g} ns"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "bytes":
        for scale, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
            if abs(value) >= scale:
                return f"{value / scale:.3g} {name}"
        return f"{value:.0f} B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g} M {unit}"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g} K {unit}"
    if abs(value) >= 1e3:  # .3g would print 1.79e+03
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/metrics_table.py RESULTS.json")
    with open(sys.argv[1]) as f:
        records = json.load(f)["records"]
    workloads = []
    for r in records:
        if r["workload"] not in workloads:
            workloads.append(r["workload"])
    for workload in workloads:
        rows = [r for r in records if r["workload"] == workload]
        models = [r["model"] for r in rows]
        metrics = []
        for r in rows:
            for m in r.get("metrics", []):
                if (m["name"], m["unit"]) not in metrics:
                    metrics.append((m["name"], m["unit"]))
        print(f"**{workload}**\n")
        print("| metric | " + " | ".join(models) + " |")
        print("|---|" + "---:|" * len(models))
        for name, unit in metrics:
            cells = []
            for r in rows:
                found = [m for m in r.get("metrics", []) if m["name"] == name]
                if r["status"] != "ok":
                    cells.append(r["status"])
                elif not found:
                    cells.append("")
                else:
                    cell = fmt(found[0]["median"], unit)
                    cells.append(cell + ("~" if found[0].get("unstable") else ""))
            print(f"| {name} | " + " | ".join(cells) + " |")
        notes = [f"{r['model']}: {r['note'] or r['reason']}" for r in rows
                 if r.get("note") or r.get("reason")]
        if notes:
            print()
            for n in notes:
                print(f"- {n}")
        print()


if __name__ == "__main__":
    main()
