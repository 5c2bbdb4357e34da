#!/usr/bin/env python3
"""qosim's benchmark table: builds Release, times whole processes, prints a table and writes
bench/results.csv.

    bench/run.py [--runs N] [--no-build] [--qosim PATH] [--csv PATH] [--skip-sweep]

Every figure is the median of N runs (default 5) of the whole process, start-up and output
files included, on one thread unless the row says otherwise. A ratio is taken pair by pair
(A B A B ...) so a drift in the machine's speed cancels, and the median of the pairs is
reported. Peak RSS is the operating system's maximum resident set of the child (wait4).

Rows:
  mm1, mm3, tandem5, faulty_line   `qosim run bench/models/NAME.yaml`: orders/s, events/s,
                                   ns per event, peak RSS
  limit ratio (mm1, tandem5)       qosim's wall time / qosim_limit's (bench/limit.cpp) on
                                   the same model, same draws, same statistics
  faulty_line / tandem5            ns per event of the faulty line / ns per event of tandem5
  hold                             sim::EventQueue alone, ns per hold at 10, 1e3, 1e5 pending
  start-up                         `qosim run` of mm1 with --horizon 1: process start, load,
                                   one empty replication, four CSV files
  RSS growth                       peak RSS of mm1 at 100x the orders / at 1x, minus 1
  sweep                            `qosim sweep tests/whatif/line.yaml --horizon 20000 --reps
                                   5` (75 tasks) at --jobs 1 and --jobs 2: tasks/s, speed-up

For people, not CI: the tests check correctness only.
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "bench" / "models"

# The limit's command line for the models it can run (a tandem of single-server stations).
LIMIT_ARGS = {
    "mm1": ["--horizon", "1000000", "--interarrival", "1.1111111111111112", "machine:1.0"],
    "tandem5": ["--horizon", "250000", "--interarrival", "1.25"]
    + [f"s{i}:1" for i in range(1, 6)],
}

TARGETS = {
    "limit_ratio": 1.25,
    "faulty_per_event_ratio": 1.5,
    "hold_ns_1000": 25.0,
    "startup_ms": 10.0,
    "rss_growth": 0.10,
    "sweep_speedup": 1.9,
}


def timed(cmd, cwd=None):
    """Runs cmd once; returns (wall seconds, peak RSS in MiB, stdout text)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed with exit {proc.returncode}:\n{text}")
    return wall, usage.ru_maxrss / 1024.0, text


def paired(cmd_a, cmd_b, runs, before=None, both=False):
    """A B A B ...: per-pair wall ratios A/B and the medians of each side. `before` runs
    before each A, and before each B too when `both`."""
    walls_a, walls_b, rss_a, ratios = [], [], [], []
    for _ in range(runs + 1):  # the first pair warms caches and is not counted
        if before:
            before()
        wa, ra, _ = timed(cmd_a)
        if before and both:
            before()
        wb, _, _ = timed(cmd_b)
        walls_a.append(wa)
        walls_b.append(wb)
        rss_a.append(ra)
        ratios.append(wa / wb)
    return {
        "a": statistics.median(walls_a[1:]),
        "b": statistics.median(walls_b[1:]),
        "rss": statistics.median(rss_a[1:]),
        "ratio": statistics.median(ratios[1:]),
        "ratio_min": min(ratios[1:]),
        "ratio_max": max(ratios[1:]),
    }


def median_run(cmd, runs, before=None):
    walls, rss = [], []
    for _ in range(runs + 1):
        if before:
            before()
        w, r, _ = timed(cmd)
        walls.append(w)
        rss.append(r)
    return statistics.median(walls[1:]), statistics.median(rss[1:])


def counts(out_dir):
    """(orders_created, events) of the one replication in out_dir/runs.csv."""
    with open(out_dir / "runs.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return int(rows[0]["orders_created"]), int(rows[0]["events"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--build-dir", default=str(ROOT / "build" / "release"))
    ap.add_argument("--csv", default=str(ROOT / "bench" / "results.csv"))
    ap.add_argument("--skip-sweep", action="store_true", help="leave out the sweep rows")
    ap.add_argument("--vs", metavar="QOSIM",
                    help="another qosim binary (an older build): also print this build's wall "
                         "time / that one's on each model, paired")
    args = ap.parse_args()

    build = Path(args.build_dir)
    if not args.no_build:
        if not (build / "CMakeCache.txt").exists():
            subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True)
        subprocess.run(
            ["cmake", "--build", str(build), "--target", "qosim", "qosim_limit", "qosim_hold"],
            cwd=ROOT,
            check=True,
        )
    qosim = build / "app" / "qosim"
    limit = build / "bench" / "qosim_limit"
    hold = build / "bench" / "qosim_hold"
    for exe in (qosim, limit, hold):
        if not exe.exists():
            sys.exit(f"bench: {exe} is missing (build it, or drop --no-build)")

    work = Path(tempfile.mkdtemp(prefix="qosim-bench-"))
    out = work / "out"

    def clean():
        shutil.rmtree(out, ignore_errors=True)

    def run_cmd(model, *extra):
        return [str(qosim), "run", str(MODELS / f"{model}.yaml"), "--out", str(out),
                "--quiet", "--jobs", "1", *extra]

    results = []  # (benchmark, metric, value, unit, target)

    def put(bench, metric, value, unit, target=""):
        results.append((bench, metric, value, unit, target))

    print(f"qosim bench: {os.cpu_count()} cores, {args.runs} runs per figure (median)")
    print(f"{'model':<12} {'orders/s':>12} {'events/s':>12} {'ns/event':>9} {'RSS MiB':>8}"
          f"  {'qosim / limit':>22}")
    per_event = {}
    for model in ("mm1", "mm3", "tandem5", "faulty_line"):
        line = ""
        if model in LIMIT_ARGS:
            p = paired(run_cmd(model), [str(limit), *LIMIT_ARGS[model]], args.runs, clean)
            wall, rss = p["a"], p["rss"]
            line = f"{p['ratio']:.2f} ({p['ratio_min']:.2f}-{p['ratio_max']:.2f})"
        else:
            wall, rss = median_run(run_cmd(model), args.runs, clean)
        orders, events = counts(out)
        ns = wall / events * 1e9
        per_event[model] = ns
        if model in LIMIT_ARGS:
            put(model, "limit_ratio", f"{p['ratio']:.3f}", "x", TARGETS["limit_ratio"])
            put(model, "limit_ns_per_event", f"{p['b'] / events * 1e9:.1f}", "ns")
        put(model, "orders_per_s", f"{orders / wall:.0f}", "1/s")
        put(model, "events_per_s", f"{events / wall:.0f}", "1/s")
        put(model, "ns_per_event", f"{ns:.1f}", "ns")
        put(model, "peak_rss", f"{rss:.1f}", "MiB")
        print(f"{model:<12} {orders / wall:12.0f} {events / wall:12.0f} {ns:9.1f} {rss:8.1f}"
              f"  {line:>22}")

    if args.vs:
        other = Path(args.vs).resolve()
        print(f"this qosim / {other} (paired wall-time ratio, median and range):")
        for model in ("mm1", "mm3", "tandem5", "faulty_line"):
            cmd = run_cmd(model)
            p = paired(cmd, [str(other), *cmd[1:]], args.runs, clean, both=True)
            put(model, "vs_other_build", f"{p['ratio']:.3f}", "x")
            print(f"  {model:<12} {p['ratio']:.3f} ({p['ratio_min']:.3f}-{p['ratio_max']:.3f})")

    ratio = per_event["faulty_line"] / per_event["tandem5"]
    put("faulty_line", "per_event_vs_tandem5", f"{ratio:.3f}", "x",
        TARGETS["faulty_per_event_ratio"])
    print(f"faulty_line ns/event / tandem5 ns/event: {ratio:.2f} (target <= 1.5)")

    _, _, text = timed([str(hold), "10", "1000", "100000"])
    hold_ns = {}
    for row in text.splitlines()[1:]:
        n, _, ns = row.split()
        hold_ns[int(n)] = float(ns)
        put("hold", f"ns_per_op_{n}", ns, "ns", TARGETS["hold_ns_1000"] if n == "1000" else "")
    print("hold (event queue alone), ns per pop+push: "
          + ", ".join(f"{n} pending {ns:.1f}" for n, ns in hold_ns.items())
          + " (target <= 25 at 1000)")

    startup, _ = median_run(run_cmd("mm1", "--horizon", "1"), args.runs, clean)
    put("startup", "run_horizon_1", f"{startup * 1e3:.1f}", "ms", TARGETS["startup_ms"])
    print(f"start-up + load + empty run + CSV files: {startup * 1e3:.1f} ms (target <= 10)")

    _, small = median_run(run_cmd("mm1", "--horizon", "10000"), args.runs, clean)
    _, large = median_run(run_cmd("mm1", "--horizon", "1000000"), args.runs, clean)
    growth = large / small - 1.0
    put("rss", "growth_100x_orders", f"{growth:.3f}", "fraction", TARGETS["rss_growth"])
    print(f"peak RSS mm1: {small:.1f} MiB at 1e4, {large:.1f} MiB at 1e6 "
          f"(growth {growth * 100:.1f} %, target <= 10 %)")

    if not args.skip_sweep:
        sweep = [str(qosim), "sweep", str(ROOT / "tests" / "whatif" / "line.yaml"),
                 "--horizon", "20000", "--reps", "5", "--out", str(out), "--quiet"]
        p = paired(sweep + ["--jobs", "1"], sweep + ["--jobs", "2"], args.runs, clean, both=True)
        speedup = p["ratio"]
        put("sweep", "tasks_per_s_jobs1", f"{75 / p['a']:.1f}", "1/s")
        put("sweep", "tasks_per_s_jobs2", f"{75 / p['b']:.1f}", "1/s")
        put("sweep", "speedup_jobs2", f"{speedup:.3f}", "x", TARGETS["sweep_speedup"])
        print(f"sweep 75 tasks: {75 / p['a']:.1f} tasks/s at --jobs 1, {75 / p['b']:.1f} at "
              f"--jobs 2 (speed-up {speedup:.2f}, target >= 1.9 on a quiet machine)")

    shutil.rmtree(work, ignore_errors=True)
    with open(args.csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["benchmark", "metric", "value", "unit", "target"])
        w.writerows(results)
    print(f"written {args.csv}")


if __name__ == "__main__":
    main()
