#!/usr/bin/env python3
"""scripts/soak_report.py SAMPLES.csv LOG [options] — the verdict of a soak run: did the process
grow? And its summary in markdown.

scripts/soak.sh samples the soak process once a second into SAMPLES.csv (columns seconds,
rss_kib, fds, maps, threads, rounds) and keeps its output in LOG. This script applies the growth
rule to three of the columns and writes the summary that bench/RESULTS.md includes.

The growth rule. A leak is growth that does not stop, so it is judged on the part of the run
where nothing should grow any more:
  1. warm-up: the first sixth of the samples (at least WARMUP_MIN of them) are dropped: the
     allocator's arenas, glibc's stack cache and the models' stack pools fill up there;
  2. the rest is cut into three equal thirds, A, B and C, in time order;
  3. growth = median(C) - median(B), for each of RSS (MiB), open descriptors and mapped
     regions; the run fails when any growth is above its limit.
Medians, because a sample lands at a random point of a random round (a round of kernel threads
holds a hundred stacks, one of sockets a dozen descriptors): the middle of each third is the
process's level, and one sample in the middle of a busy round moves it not at all. B and C
rather than A and C because A is the closest to the warm-up, where a plateau may still be being
approached. The limits are above what a clean run moves (its RSS may step up by a few MiB and
stay flat; bench/RESULTS.md shows a run) and well below what a leak adds in a third of a
30-minute run (about 13,000 rounds here): 2 KiB a round, a descriptor in a thousand rounds or a
mapping in a hundred crosses them. Fewer than 9 samples after the warm-up are too few to judge: the verdict is
then "not judged", which is not a failure.

Exit status: 0 when nothing grew (or it was not judged), 4 when something grew, 2 on bad input.
"""

import argparse
import csv
import datetime
import os
import statistics
import subprocess
import sys

WARMUP_MIN = 5
MIN_JUDGED = 9

# (column, label, unit, scale from the column to the unit, default limit, option)
SERIES = (
    ("rss_kib", "RSS", "MiB", 1 / 1024, 16.0, "max_rss_growth_mib"),
    ("fds", "open descriptors", "", 1, 8.0, "max_fd_growth"),
    ("maps", "mapped regions", "", 1, 64.0, "max_maps_growth"),
)


def load_samples(path):
    """The CSV's rows as dicts of floats, in time order."""
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                rows.append({k: float(v) for k, v in row.items()})
            except (TypeError, ValueError):
                continue  # a sample cut short: skipped, as soak.sh skips them
    return sorted(rows, key=lambda r: r["seconds"])


def windows(rows):
    """(warm-up, A, B, C): the rule's slices of rows, or None for A, B, C when too few."""
    warm = max(WARMUP_MIN, len(rows) // 6)
    rest = rows[warm:]
    if len(rest) < MIN_JUDGED:
        return rows[:warm], None, None, None
    third = len(rest) // 3
    return rows[:warm], rest[:third], rest[third:2 * third], rest[2 * third:]


def judge(rows, limits):
    """One verdict per series: a dict with first, last, median_b, median_c, growth, limit, grew."""
    _, a, b, c = windows(rows)
    out = []
    for column, label, unit, scale, _, option in SERIES:
        v = {"label": label, "unit": unit, "limit": limits[option],
             "first": rows[0][column] * scale if rows else None,
             "last": rows[-1][column] * scale if rows else None,
             "median_b": None, "median_c": None, "growth": None, "grew": False}
        if b is not None:
            v["median_b"] = statistics.median(r[column] for r in b) * scale
            v["median_c"] = statistics.median(r[column] for r in c) * scale
            v["growth"] = v["median_c"] - v["median_b"]
            v["grew"] = v["growth"] > v["limit"]
        out.append(v)
    return out


def parse_log(path):
    """What the soak program said: its done line's fields, the failures, the skipped models."""
    done, failures, skipped = {}, [], []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("done "):
                done = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
            elif line.startswith(("FAIL ", "  difference: ", "replay: ", "crash: signal")):
                failures.append(line)
            elif line.startswith("skip "):
                skipped.append(line[len("skip "):])
    return done, failures, skipped


def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:.0f}"


def fmt_growth(value, unit):
    if value is None:
        return "-"
    sign = "+" if value >= 0 else "-"
    return sign + fmt(abs(value), unit)


def machine():
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        cpu = "?"
    return f"{cpu}, {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}"


def git_revision():
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def summary(args, rows, verdicts, done, failures, skipped):
    """The markdown summary: command, outcome, the growth table, the rule, the plot."""
    judged = verdicts[0]["growth"] is not None
    grew = [v["label"] for v in verdicts if v["grew"]]
    lines = []
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines.append(f"Command: `{args.command}`, ended {when}, git {args.revision or git_revision()}; "
                 f"{machine()}.")
    lines.append("")
    if args.outcome == "hang":
        outcome = "**failed: a round hung** (no round finished for the stall limit; see hang.txt)"
    elif args.outcome == "crashed":
        outcome = f"**failed: the program crashed (signal {args.signal})**"
    elif failures or args.outcome == "failed":
        outcome = "**failed: a round's accounting differed**"
    elif grew:
        outcome = "**failed: steady growth of " + ", ".join(grew) + "**"
    else:
        outcome = "**passed**" + ("" if judged else " (too short to judge growth)")
    rounds = int(done.get("rounds", rows[-1]["rounds"] if rows else 0))
    lines.append(f"Outcome: {outcome}.")
    lines.append("")
    if done:
        per_model = ", ".join(f"{k} {int(v):,}" for k, v in done.items()
                              if k not in ("rounds", "elapsed_s", "first_seed", "last_seed",
                                           "failures"))
        lines.append(f"Rounds: {rounds:,} in {float(done['elapsed_s']) / 60:.1f} minutes, every one "
                     f"checked exactly; seeds {done['first_seed']} to {done['last_seed']} "
                     f"({per_model}).")
    else:
        lines.append(f"Rounds: {rounds:,} finished before the program stopped.")
    for s in skipped:
        lines.append(f"Skipped: {s}.")
    for f in failures:
        lines.append(f"    {f}")
    lines.append("")
    lines.append("| | first sample | last sample | median of the second third | "
                 "median of the last third | growth | limit | |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for v in verdicts:
        mark = "-" if v["growth"] is None else ("**grew**" if v["grew"] else "ok")
        lines.append(f"| {v['label']} | {fmt(v['first'], v['unit'])} | {fmt(v['last'], v['unit'])} "
                     f"| {fmt(v['median_b'], v['unit'])} | {fmt(v['median_c'], v['unit'])} "
                     f"| {fmt_growth(v['growth'], v['unit'])} | {fmt(v['limit'], v['unit'])} "
                     f"| {mark} |")
    lines.append("")
    warm, _, b, _ = windows(rows)
    warm_s = warm[-1]["seconds"] if warm else 0
    lines.append(f"Sampled once a second ({len(rows):,} samples). Growth rule: the first "
                 f"{len(warm)} samples ({warm_s:.0f} s) are warm-up; the rest is cut into three "
                 f"thirds, and growth is the median of the last third minus the median of the "
                 f"second (scripts/soak_report.py says why).")
    lines.append("")
    lines.append(f"![RSS, open descriptors and mapped regions over the soak]({args.svg_link})")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("samples")
    p.add_argument("log")
    p.add_argument("--summary", help="write the markdown summary here")
    p.add_argument("--command", default="scripts/soak.sh", help="the command, for the summary")
    p.add_argument("--revision", help="the git revision soaked (default: the tree's now)")
    p.add_argument("--outcome", default="finished", choices=("finished", "failed", "crashed", "hang"),
                   help="how the program ended, as scripts/soak.sh saw it")
    p.add_argument("--signal", type=int, default=0, help="the signal a crashed program died of")
    p.add_argument("--svg-link", default="soak.svg", help="the plot, relative to the summary")
    for _, label, unit, _, default, option in SERIES:
        p.add_argument("--" + option.replace("_", "-"), type=float, default=default,
                       help=f"largest allowed growth of {label}" + (f" in {unit}" if unit else "")
                       + f" (default {default:g})")
    args = p.parse_args()
    try:
        rows = load_samples(args.samples)
        done, failures, skipped = parse_log(args.log)
    except (OSError, ValueError, KeyError) as e:
        print(f"soak_report.py: {e}", file=sys.stderr)
        return 2
    limits = vars(args)
    verdicts = judge(rows, limits)
    for v in verdicts:
        if v["growth"] is None:
            print(f"{v['label']}: not judged ({len(rows)} samples are too few)")
        else:
            print(f"{v['label']}: {fmt(v['median_b'], v['unit'])} -> "
                  f"{fmt(v['median_c'], v['unit'])} (growth {fmt_growth(v['growth'], v['unit'])}, "
                  f"limit {fmt(v['limit'], v['unit'])}): {'GREW' if v['grew'] else 'ok'}")
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(summary(args, rows, verdicts, done, failures, skipped))
    return 4 if any(v["grew"] for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
