#!/usr/bin/env python3
"""scripts/icount.py — instructions per operation, counted by valgrind, for every workload x
model that runs on one worker. The benchmark that noise cannot break: wall-clock time on a
shared VM moves by a third from run to run, the count of instructions executed does not.

How: each case runs `threadlab run --workers 1 --repetitions 1 --warmup 0` twice under
`valgrind --tool=callgrind`, at a size and at twice that size. Valgrind follows the fork of
the pair's child process and counts every instruction of every thread of it (user space only:
what a system call costs inside the kernel is not counted). The difference between the two
counts, divided by the difference in operations, is the marginal cost of one operation: the
process's start-up, the model's start and shut-down and the workload's set-up are the same in
both runs and cancel out. Boost.Context's stacks need no annotation: callgrind counts
instructions on any stack.

Usage:
  scripts/icount.py                      print the table (markdown)
  scripts/icount.py --write FILE         also write the counts as a baseline file
  scripts/icount.py --check FILE         compare with a baseline: exit 1 when an operation
                                         costs more than --tolerance (default 5%) over it,
                                         and more than 2 instructions;
                                         exit 77 (skipped) when the baseline was taken with
                                         another compiler or Boost version
Options: --threadlab PATH (default build/release/bench/threadlab), --jobs N (default: cores),
--only WORKLOAD/MODEL,... (a subset of the cases), --times RESULTS.json (a `threadlab run
--workers 1 --format json` of the same pairs: its headline medians become a column beside the
counts; scripts/results.sh passes one).
"""
import argparse
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

# The cases: (workload, operation, operations(size) at --workers 1, first size). The second
# run is at twice the size. Sizes are small: the count per operation does not depend on them
# beyond the first few, and valgrind runs about fifty times slower than the hardware.
WORKLOADS = [
    ("context_switch", "one-way switch", lambda n: 2 * n, 100_000),
    ("yield", "yield", lambda n: 2 * n, 5_000),  # two threads, each yields n times
    ("pingpong", "one-way switch", lambda n: 2 * n, 5_000),
    # Two passes over n threads (bare, then with six clock reads per thread): both are counted.
    ("spawn_join", "thread (both passes)", lambda n: 2 * n, 1_000),
    ("ring", "hop", lambda n: n, 10_000),
    ("pipeline", "message", lambda n: n, 5_000),
    ("skynet", "leaf", lambda n: n, 1_000),  # sizes are powers of ten: 1,000 and 10,000
    ("mutex", "lock", lambda n: n, 20_000),  # four threads; a multiple of four
]
# The models that run on one worker (kernel's threads are one kernel thread each); the
# baseline workload runs without one.
MODELS = ["hybrid", "green", "boost_fiber_ws", "kernel_pool", "coroutines", "asio_coro"]
# Reported but not checked: kernel_pool's user-space count depends on how often its kernel
# threads sleep and are woken (futex paths), which is timing, not code: it moves by a few
# percent with the machine's load.
UNCHECKED_MODELS = {"kernel_pool"}


def cases(only):
    for workload, op, ops, size in WORKLOADS:
        for model in (["baseline"] if workload == "context_switch" else MODELS):
            key = f"{workload}/{model}"
            if only and key not in only:
                continue
            second = size * 10 if workload == "skynet" else size * 2
            yield key, workload, model, op, ops, size, second


def count(threadlab, workload, model, size):
    """Instructions executed by the pair's child process (the one that ran the workload)."""
    with tempfile.TemporaryDirectory(prefix="icount.") as out:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.%p",
               threadlab, "run", "--workload", workload, "--workers", "1", "--size", str(size),
               "--repetitions", "1", "--warmup", "0", "--timeout", "600", "--format", "json"]
        if model != "baseline":
            cmd += ["--model", model]
        # Valgrind runs the program in its own process, so the harness's PID is the one
        # Popen started. (Not the lowest of the two: PIDs wrap at kernel.pid_max.)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stdout, stderr = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{workload}/{model} at size {size}: threadlab exited "
                               f"{proc.returncode}: {stderr.strip().splitlines()[-1:]}")
        record = json.loads(stdout)["records"][0]
        if record["status"] == "skipped":  # the model lacks a capability the workload needs
            return None, None
        if record["status"] != "ok":
            raise RuntimeError(f"{workload}/{model} at size {size}: {record['status']}: "
                               f"{record.get('reason', '')}")
        totals = {}
        for path in glob.glob(f"{out}/cg.*"):
            with open(path) as f:
                for line in f:
                    if line.startswith("totals:"):
                        totals[path] = int(line.split()[1])
        if len(totals) != 2:
            raise RuntimeError(f"{workload}/{model}: expected callgrind files for the harness "
                               f"and its child, found {len(totals)}")
        parent = f"{out}/cg.{proc.pid}"
        if parent not in totals:
            raise RuntimeError(f"{workload}/{model}: no callgrind file for the harness "
                               f"(pid {proc.pid}) among {sorted(totals)}")
        child = [v for p, v in totals.items() if p != parent][0]
        return child, json.loads(stdout)["environment"]


def measure(threadlab, case):
    key, workload, model, op, ops, first, second = case
    small, env = count(threadlab, workload, model, first)
    if small is None:
        return key, None, None
    large, _ = count(threadlab, workload, model, second)
    per_op = (large - small) / (ops(second) - ops(first))
    if per_op <= 0:  # twice the work cannot cost fewer instructions: the counts are wrong
        raise RuntimeError(f"{key}: {large:,} instructions at size {second} but {small:,} "
                           f"at size {first}")
    return key, {"operation": op, "instructions": round(per_op, 1)}, env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threadlab", default="build/release/bench/threadlab")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", default="")
    parser.add_argument("--write", metavar="FILE")
    parser.add_argument("--check", metavar="FILE")
    parser.add_argument("--tolerance", type=float, default=5.0, help="percent")
    parser.add_argument("--times", metavar="RESULTS.json")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("icount: valgrind is not installed (scripts/deps.sh --tests installs it)")
    if not os.access(args.threadlab, os.X_OK):
        sys.exit(f"icount: no threadlab binary at {args.threadlab} (build the release preset)")
    baseline = None
    if args.check:
        with open(args.check) as f:
            baseline = json.load(f)
    only = set(filter(None, args.only.split(",")))
    todo = list(cases(only))
    if not todo:
        sys.exit(f"icount: no case matches --only {args.only}")

    counts, env = {}, None
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for key, result, e in pool.map(lambda c: measure(args.threadlab, c), todo):
            if result is not None:
                counts[key], env = result, e
    build = {"compiler": env["compiler"], "boost_version": env["boost_version"],
             "cxx_flags": env["cxx_flags"], "git_revision": env["git_revision"]}

    times = headline_medians(args.times) if args.times else {}
    print("| workload | model | instructions per operation | operation |"
          + (" time per operation (1 worker, median) |" if times else ""))
    print("|---|---|---:|---|" + ("---:|" if times else ""))
    for key in sorted(counts, key=lambda k: [c[0] for c in cases(set())].index(k)):
        workload, model = key.split("/")
        row = (f"| {workload} | {model} | {counts[key]['instructions']:,.1f} "
               f"| {counts[key]['operation']} |")
        if times:
            row += f" {times[key]} |" if key in times else " |"
        print(row)

    if args.write:
        with open(args.write, "w") as f:
            json.dump({"build": build, "counts": counts}, f, indent=2, sort_keys=True)
            f.write("\n")
    if baseline is not None:
        return check(baseline, build, counts, args.tolerance)
    return 0


def headline_medians(path):
    """{"workload/model": "61.8 ns ns_per_switch"} from a threadlab JSON result file."""
    with open(path) as f:
        records = json.load(f)["records"]
    out = {}
    for r in records:
        if r["status"] == "ok" and r["metrics"]:
            m = r["metrics"][0]
            out[f"{r['workload']}/{r['model']}"] = f"{m['median']:,.1f} {m['unit']} ({m['name']})"
    return out


MIN_RISE = 2.0  # instructions: a smaller rise is never a regression


def check(baseline, build, counts, tolerance):
    for field in ("compiler", "boost_version", "cxx_flags"):
        if baseline["build"][field] != build[field]:
            print(f"icount: skipped: the baseline was taken with {field} "
                  f"{baseline['build'][field]!r}, this build has {build[field]!r}; "
                  f"counts are comparable only within one toolchain")
            return 77
    failures = 0
    for key, now in counts.items():
        if key.split("/")[1] in UNCHECKED_MODELS:
            continue
        old = baseline["counts"].get(key)
        if old is None:
            print(f"icount: {key}: not in the baseline (add it with --write)")
            failures += 1
            continue
        rise = (now["instructions"] / old["instructions"] - 1) * 100
        verdict = "ok"
        # Also more than MIN_RISE instructions: a 5% rise of kernel_pool's 10-instruction yield
        # (the rest of it is in the kernel) is half an instruction of timing noise.
        if rise > tolerance and now["instructions"] - old["instructions"] > MIN_RISE:
            verdict = "REGRESSION"
            failures += 1
        print(f"icount: {key}: {old['instructions']:,.1f} -> {now['instructions']:,.1f} "
              f"instructions per {now['operation']} ({rise:+.1f}%) {verdict}")
    if failures:
        print(f"icount: {failures} operation(s) cost more than {tolerance}% over the baseline; "
              f"a deliberate change updates bench/icount-baseline.json in the same commit "
              f"(scripts/icount.py --write bench/icount-baseline.json)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
