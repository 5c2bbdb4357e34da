#!/usr/bin/env python3
"""Outputs are published as a set: kills, a full disk, leftovers, user files, inputs.

    publish_test.py QOSIM ROOT

A kill (SIGKILL) at many moments of the write phase must leave the output directory with the
previous complete set or the new complete set, byte for byte, never a mix; the next run must
leave no temp files. A full disk (a small tmpfs, when this machine lets us mount one) must
leave the previous set. SIGTERM while the trace is written leaves no trace temp files. Files
qosim did not write stay; outputs never overwrite inputs.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

QOSIM = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
MM1 = os.path.join(ROOT, "scenarios", "mm1.yaml")
# A write phase long enough to be hit many times: 20 replications of 10 000 windows each make a
# timeseries.csv of about 17 MB.
BIG = ["--reps", "20", "--horizon", "100000", "--timeseries", "10", "--jobs", "2", "--quiet"]
KILLS = 30

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)


def qosim(*args, **kw):
    return subprocess.run([QOSIM, *args], capture_output=True, text=True, **kw)


def snapshot(d):
    """{relative path: bytes} of every file under d (hidden ones too)."""
    out = {}
    for base, _, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def leftovers(parent, name):
    return [e for e in os.listdir(parent) if e.startswith("." + name + ".qosim-")] + [
        e for e in (os.listdir(os.path.join(parent, name)) if os.path.isdir(os.path.join(parent, name)) else [])
        if e.endswith(".qosim-tmp")]


def written_bytes(pid):
    """Bytes the process has passed to write(2) so far (/proc/PID/io `wchar`)."""
    try:
        with open(f"/proc/{pid}/io") as fh:
            for line in fh:
                if line.startswith("wchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_for_writing(p):
    """Returns once process p has started writing (or has ended)."""
    while p.poll() is None and written_bytes(p.pid) == 0:
        pass


def kill_test(work):
    out = os.path.join(work, "o")
    user = {"notes.txt": b"my notes\n"}
    sets = {}
    for seed in ("1", "2"):
        r = qosim("run", MM1, "--out", out, "--seed", seed, *BIG)
        assert r.returncode == 0, r.stderr
        with open(os.path.join(out, "notes.txt"), "wb") as fh:
            fh.write(user["notes.txt"])
        sets[seed] = snapshot(out)
    # The two sets differ in every result file, so a mix is visible.
    for name in sets["1"]:
        if name not in ("notes.txt", ".qosim-manifest"):
            check(sets["1"][name] != sets["2"][name], f"seeds 1 and 2 give the same {name}")

    # How long the write phase lasts: from the first byte qosim writes (with --quiet and its
    # streams on /dev/null, only result files) to its exit.
    p = subprocess.Popen([QOSIM, "run", MM1, "--out", out, "--seed", "1", *BIG],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_writing(p)
    t0 = time.monotonic()
    p.wait()
    write_phase = max(time.monotonic() - t0, 0.001)
    print(f"write phase ~{write_phase * 1000:.1f} ms", flush=True)

    rng = random.Random(12)  # the kill moments; any moments must pass
    current = "1"
    hit_staging = 0
    outcomes = [0, 0]  # previous set, new set
    for i in range(KILLS):
        new = "2" if current == "1" else "1"
        p = subprocess.Popen([QOSIM, "run", MM1, "--out", out, "--seed", new, *BIG],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_writing(p)
        if p.poll() is None:
            hit_staging += 1
            time.sleep(rng.uniform(0, 1.2 * write_phase))
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = snapshot(out)
        is_old, is_new = now == sets[current], now == sets[new]
        check(is_old or is_new,
              f"kill {i}: {out} is neither the previous nor the new set "
              f"(files {sorted(now)})")
        outcomes[is_new] += 1
        if is_new:
            current = new
        # The next run tidies up whatever the kill left, and publishes its own set.
        nxt = "2" if current == "1" else "1"
        r = qosim("run", MM1, "--out", out, "--seed", nxt, *BIG)
        check(r.returncode == 0, f"run after kill {i}: exit {r.returncode}: {r.stderr}")
        check(leftovers(work, "o") == [], f"after kill {i}: leftovers {leftovers(work, 'o')}")
        check(snapshot(out) == sets[nxt], f"after kill {i}: not the complete new set")
        current = nxt
    print(f"{KILLS} kills, {hit_staging} inside the write phase; left the previous set "
          f"{outcomes[0]} times, the new set {outcomes[1]} times", flush=True)
    check(hit_staging >= KILLS // 2, f"only {hit_staging} kills hit the write phase")


def disk_full_test(work):
    mnt = os.path.join(work, "small")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("SKIP part: cannot mount a tmpfs here (needs root); disk-full case not run")
        return
    try:
        out = os.path.join(mnt, "o")
        r = qosim("run", MM1, "--out", out, "--reps", "2", "--horizon", "5000", "--quiet")
        check(r.returncode == 0, f"small run on tmpfs: {r.stderr}")
        before = snapshot(out)
        r = qosim("run", MM1, "--out", out, "--reps", "2", "--horizon", "500000",
                  "--timeseries", "10", "--quiet")
        check(r.returncode == 1, f"disk full: exit {r.returncode}, want 1")
        check("No space left on device" in r.stderr and "disk" in r.stderr and
              "internal error" not in r.stderr, f"disk full message: {r.stderr!r}")
        check(r.stdout == "", "disk full: a report was printed")
        check(snapshot(out) == before, "disk full: the previous set changed")
        check(leftovers(mnt, "o") == [], f"disk full: leftovers {leftovers(mnt, 'o')}")
    finally:
        subprocess.run(["umount", mnt])


def ownership_test(work):
    out = os.path.join(work, "own")
    os.makedirs(os.path.join(out, "sub"))
    for name, text in (("classes.csv", "mine\n"), ("notes.txt", "n\n"), ("sub/a.txt", "a\n")):
        with open(os.path.join(out, name), "w") as fh:
            fh.write(text)
    small = ["--reps", "2", "--horizon", "5000", "--quiet"]
    r = qosim("run", MM1, "--out", out, "--timeseries", "500", *small)
    check(r.returncode == 0, r.stderr)
    check(os.path.exists(os.path.join(out, "timeseries.csv")), "no timeseries.csv")
    # A later run without --timeseries drops qosim's own timeseries.csv, keeps the user's files.
    r = qosim("run", MM1, "--out", out, *small)
    check(r.returncode == 0, r.stderr)
    check(not os.path.exists(os.path.join(out, "timeseries.csv")),
          "an earlier run's timeseries.csv stayed beside the new set")
    for name, text in (("classes.csv", "mine\n"), ("notes.txt", "n\n"), ("sub/a.txt", "a\n")):
        with open(os.path.join(out, name)) as fh:
            check(fh.read() == text, f"the user's {name} was changed or removed")

    # Leftovers of a killed run are removed; a kill between the fallback's two renames (the
    # directory missing, the old set beside it) is undone first.
    os.makedirs(os.path.join(work, ".own.qosim-new"))
    with open(os.path.join(out, ".runs.csv.qosim-tmp"), "w") as fh:
        fh.write("half")
    os.rename(out, os.path.join(work, ".own.qosim-old"))
    r = qosim("run", MM1, "--out", out, *small)
    check(r.returncode == 0, r.stderr)
    check(leftovers(work, "own") == [], f"leftovers stayed: {leftovers(work, 'own')}")
    check(os.path.exists(os.path.join(out, "notes.txt")), "the old set's user file was lost")

    # A directory that is the working directory is written file by file, with a note.
    r = qosim("run", MM1, "--out", ".", *small, cwd=out)
    check(r.returncode == 0 and "file by file" in r.stderr, f"--out .: {r.stderr!r}")
    check(os.path.exists(os.path.join(out, "notes.txt")), "--out .: the user's file was lost")

    # Trace parts and temp file of a killed run are removed by the next run of that trace.
    for stale in (".trace.csv.rep0.part", ".trace.csv.rep17.part", ".trace.csv.tmp"):
        with open(os.path.join(work, stale), "w") as fh:
            fh.write("stale")
    r = qosim("run", MM1, "--out", out, *small, "--trace", os.path.join(work, "trace.csv"))
    check(r.returncode == 0, r.stderr)
    stale = [e for e in os.listdir(work) if e.startswith(".trace.csv")]
    check(stale == [], f"trace leftovers stayed: {stale}")


def inputs_test(work):
    scen = os.path.join(work, "s.yaml")
    shutil.copy(MM1, scen)
    with open(scen, "rb") as fh:
        original = fh.read()
    small = ["--reps", "2", "--horizon", "5000", "--quiet"]
    out = os.path.join(work, "in_out")

    def unchanged(what):
        with open(scen, "rb") as fh:
            check(fh.read() == original, f"{what}: the scenario was changed")

    r = qosim("run", scen, "--out", out, "--trace", scen, *small)
    check(r.returncode == 2 and "never writes over" in r.stderr, f"--trace s.yaml: {r.stderr!r}")
    check(not os.path.exists(out), "--trace s.yaml: output written")
    unchanged("--trace s.yaml")
    r = qosim("run", scen, "--out", out, "--trace", os.path.join(out, "runs.csv"), *small)
    check(r.returncode == 2, f"--trace DIR/runs.csv: exit {r.returncode}: {r.stderr!r}")
    dot = os.path.join(work, "s.dot")
    shutil.copy(MM1, dot)
    r = qosim("graph", dot, "-o", dot)
    check(r.returncode == 2 and "never writes over" in r.stderr, f"graph -o input: {r.stderr!r}")
    with open(dot, "rb") as fh:
        check(fh.read() == original, "graph -o input: the scenario was changed")
    named = os.path.join(work, "runs.csv")
    shutil.copy(MM1, named)
    r = qosim("run", named, "--out", work, *small)
    check(r.returncode == 2 and "never writes over" in r.stderr,
          f"--out onto the scenario's name: {r.stderr!r}")


def trace_signal_test(work):
    """SIGTERM while the trace is written leaves no trace file behind. While replications run,
    the first SIGTERM stops the run at the next replication (exit 130, no trace: it would have
    gaps) and the parts are removed; during the commit, the handler removes the temp file
    before the signal ends the process."""
    trace = os.path.join(work, "trace.csv")
    out = os.path.join(work, "o")
    common = [QOSIM, "run", MM1, "--out", out, "--jobs", "2", "--quiet", "--trace", trace]
    # Parts: eight replications, so a signal finds some still to start. Commit: two
    # replications of 100 000 hours trace about 90 MB, a commit long enough to be hit.
    phases = {"parts": (["--reps", "8", "--horizon", "20000"], ".trace.csv.rep", 130),
              "commit": (["--reps", "2", "--horizon", "100000"], ".trace.csv.tmp", -signal.SIGTERM)}
    rng = random.Random(5)
    hits = {"parts": 0, "commit": 0}
    for i in range(8):
        phase = "commit" if i % 2 else "parts"
        extra, marker, code = phases[phase]
        p = subprocess.Popen(common + extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = False
        while p.poll() is None and not seen:
            seen = any(e.startswith(marker) for e in os.listdir(work))
        if seen:
            time.sleep(rng.uniform(0, 0.02))
            p.send_signal(signal.SIGTERM)
        rc = p.wait()
        if seen and rc == code:
            hits[phase] += 1
            check(not os.path.exists(trace), f"SIGTERM {i} ({phase}): a trace was written")
        left = [e for e in os.listdir(work) if e.startswith(".trace.csv")]
        check(left == [], f"SIGTERM {i} ({phase}): trace leftovers {left}")
        if os.path.exists(trace):
            os.remove(trace)  # the run finished before the signal
    print(f"SIGTERM while replications wrote trace parts {hits['parts']} times, during the "
          f"trace commit {hits['commit']} times", flush=True)
    check(hits["parts"] >= 2 and hits["commit"] >= 2,
          f"too few signals reached the trace: {hits}")


def main():
    work = tempfile.mkdtemp(prefix="qosim-publish-")
    try:
        for test in (inputs_test, ownership_test, trace_signal_test, disk_full_test, kill_test):
            sub = os.path.join(work, test.__name__)
            os.mkdir(sub)
            print("==", test.__name__, flush=True)
            test(sub)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("publish: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
