#!/usr/bin/env python3
"""scripts/stackless_targets.py RESULTS.json — the stackless runtime's targets, as measured.

Reads a `threadlab run --model coroutines,asio_coro,hybrid --format json` file and prints a
markdown table: for each workload with a coroutine form, the headline figure of our stackless
runtime (`coroutines`), of the Asio coroutine peer (`asio_coro`) and of our stackful M:N
scheduler (`hybrid`), measured side by side in that one run, with the ratios and whether each
target is met. The targets: `coroutines` beats `asio_coro` on every row, and beats `hybrid` on
spawn_join, skynet and memory, with at most 256 bytes per parked thread and skynet's million
leaves under 100 MiB of peak RSS. Rows where it loses to `hybrid` without a target are shown
as losses: they are the price of having no stack. Used by scripts/results.sh; nothing is typed.
"""
import json
import sys

OURS, PEER, STACKFUL = "coroutines", "asio_coro", "hybrid"

# (workload, metric, lower_is_better, must beat, limit on ours or None)
ROWS = [
    ("spawn_join", "ns_per_thread", True, (PEER, STACKFUL), None),
    ("skynet", "ns_per_leaf", True, (PEER, STACKFUL), None),
    ("skynet", "peak_rss_bytes", True, (), 100 * 1024 * 1024),
    ("memory", "rss_bytes_per_thread", True, (PEER, STACKFUL), 256),
    ("yield", "ns_per_yield", True, (PEER,), None),
    ("pingpong", "ns_per_switch", True, (PEER,), None),
    ("ring", "ns_per_hop", True, (PEER,), None),
    ("pipeline", "ns_per_message", True, (PEER,), None),
    ("mutex", "ns_per_lock", True, (PEER,), None),
    ("parallel_compute", "speedup", False, (PEER,), None),
]


def median(records, workload, model, metric):
    """The metric's median in the ok record of (workload, model), or None."""
    for r in records:
        if r["workload"] == workload and r["model"] == model and r["status"] == "ok":
            for m in r["metrics"]:
                if m["name"] == metric:
                    return m["median"]
    return None


def show(value, metric):
    if value is None:
        return "–"
    if metric.endswith("_bytes") and value >= 1024 * 1024:
        return f"{value / (1024 * 1024):,.1f} MiB"
    if metric.endswith("_bytes") or metric.startswith("rss_bytes"):
        return f"{value:,.0f} B"
    if metric.startswith("ns_") and value >= 1000:
        return f"{value / 1000:,.2f} µs"
    if metric.startswith("ns_"):
        return f"{value:,.1f} ns"
    return f"{value:,.2f}"


def versus(ours, other, lower_is_better):
    """'1.3x better' / '2.0x worse' for ours against other, or '–'."""
    if ours is None or other is None or ours <= 0 or other <= 0:
        return "–"
    ratio = other / ours if lower_is_better else ours / other
    return f"{ratio:.2f}x better" if ratio >= 1 else f"{1 / ratio:.2f}x worse"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/stackless_targets.py RESULTS.json")
    with open(sys.argv[1]) as f:
        records = json.load(f)["records"]
    print(f"| workload | metric | {OURS} | {PEER} | {STACKFUL} | {OURS} vs {PEER} | "
          f"{OURS} vs {STACKFUL} | target | met |")
    print("|---|---|---:|---:|---:|---|---|---|---|")
    met_all = True
    for workload, metric, lower, beat, limit in ROWS:
        values = {m: median(records, workload, m, metric) for m in (OURS, PEER, STACKFUL)}
        ours = values[OURS]
        wanted, met = [], True
        for other in beat:
            wanted.append(f"{'below' if lower else 'above'} {other}")
            theirs = values[other]
            if ours is None or theirs is None:
                met = False
            elif lower and not ours < theirs or not lower and not ours > theirs:
                met = False
        if limit is not None:
            wanted.append(f"at most {show(limit, metric)}")
            if ours is None or ours > limit:
                met = False
        if not wanted:
            verdict, target = "", "none (shown)"
        else:
            verdict, target = ("yes" if met else "**no**"), ", ".join(wanted)
            met_all = met_all and met
        print(f"| {workload} | {metric} | {show(ours, metric)} | {show(values[PEER], metric)} | "
              f"{show(values[STACKFUL], metric)} | {versus(ours, values[PEER], lower)} | "
              f"{versus(ours, values[STACKFUL], lower)} | {target} | {verdict} |")
    print()
    print("Every target met." if met_all else "**Not every target is met** (rows marked no).")


if __name__ == "__main__":
    main()
