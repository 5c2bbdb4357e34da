#!/usr/bin/env bash
# The what-if commands end to end (CTest `whatif`):
#   - a 3 x 5 grid x 5 replications sweep writes the same sweep.csv, sweep_summary.csv and
#     run_info.csv bytes with --jobs 1, --jobs 2, --shard 1/3 + 2/3 + 3/3 then merge, and
#     (when qosim has MPI and mpirun is there) mpirun -n 2;
#   - a sweep killed with SIGKILL at several moments and resumed ends with the same bytes;
#     SIGTERM keeps the finished rows and exits 130; --resume --reps grows a finished sweep
#     to the bytes of a fresh one; a resume with other overrides is refused (exit 2);
#   - run: SIGINT writes the finished replications, marked interrupted, exit 130;
#   - compare: compare.csv's base rows have no difference, unknown variants are refused.
#
#   whatif_test.sh QOSIM_BINARY SOURCE_DIR
set -euo pipefail

qosim="$1"
src="$2"
scenario="$src/tests/whatif/line.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$scenario" line.yaml # one path for every run: run_info.csv records it

fail() {
    echo "whatif_test: FAIL: $*" >&2
    exit 1
}

same_files() { # DIR_A DIR_B WHAT
    for f in sweep.csv sweep_summary.csv run_info.csv; do
        cmp -s "$1/$f" "$2/$f" || fail "$3: $f differs from the reference ($1 vs $2)"
    done
}

rows_in() { # journal rows (the first line is the manifest)
    if [[ -f "$1/sweep.journal" ]]; then echo $(($(wc -l <"$1/sweep.journal") - 1)); else echo 0; fi
}

# --- the same bytes for every way of running ----------------------------------------------
"$qosim" sweep line.yaml --out ref --jobs 1 --quiet >/dev/null
[[ $(wc -l <ref/sweep.csv) -eq 76 ]] || fail "sweep.csv should have 75 rows and a header"
[[ $(wc -l <ref/sweep_summary.csv) -eq 16 ]] || fail "sweep_summary.csv should have 15 rows"
head -1 ref/sweep.csv | grep -q '^point,stages.smt.servers,stages.ship.delay.max,replication,seed,' ||
    fail "sweep.csv header"
[[ $(grep -c ',yes,[0-9]*,$' ref/sweep_summary.csv) -ge 1 ]] || fail "no point selected"

"$qosim" sweep line.yaml --out jobs2 --jobs 2 --quiet >/dev/null
same_files ref jobs2 "--jobs 2"

for k in 1 2 3; do
    "$qosim" sweep line.yaml --out "shard$k" --shard "$k/3" --jobs 2 --quiet >/dev/null
done
if "$qosim" merge shard1 shard3 --out partial --quiet 2>err.txt; then
    fail "merge without shard 2/3 succeeded"
fi
grep -q "missing shard(s) 2/3" err.txt || fail "merge names the missing shard: $(cat err.txt)"
"$qosim" merge shard1 shard2 shard3 --out merged --quiet
same_files ref merged "--shard 1/3 + 2/3 + 3/3 then merge"

SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_COUNT=3 \
    "$qosim" sweep line.yaml --out auto2 --shard auto --quiet >/dev/null
cmp -s auto2/sweep.csv shard2/sweep.csv || fail "--shard auto (task 5 of 4..6) is not shard 2/3"
SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_STEP=2 SLURM_ARRAY_TASK_COUNT=3 \
    "$qosim" sweep line.yaml --out auto3 --shard auto --quiet >/dev/null
cmp -s auto3/sweep.csv shard3/sweep.csv || fail "--shard auto (task 7 of 3,5,7) is not shard 3/3"

if "$qosim" --version | grep -q "MPI: yes" && command -v mpirun >/dev/null; then
    # Open MPI refuses root without these two; its own allocations are not ours to leak-check.
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    mpirun -n 2 --oversubscribe "$qosim" sweep line.yaml --out mpi --quiet >/dev/null
    same_files ref mpi "mpirun -n 2"
    echo "whatif_test: mpirun -n 2 checked"
else
    echo "whatif_test: no MPI build or no mpirun: the MPI case is skipped"
fi

# --- kills and resumes ---------------------------------------------------------------------
# A longer horizon, so that a kill lands while tasks are running.
long=(--horizon 20000 --reps 5)
"$qosim" sweep line.yaml "${long[@]}" --out long_ref --jobs 2 --quiet >/dev/null
for target in 1 17 40 70; do
    rm -rf killed
    "$qosim" sweep line.yaml "${long[@]}" --out killed --jobs 2 --quiet >/dev/null 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null && (($(rows_in killed) < target)); do sleep 0.005; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    kept=$(rows_in killed)
    "$qosim" sweep line.yaml "${long[@]}" --out killed --jobs 2 --resume --quiet >/dev/null
    same_files long_ref killed "SIGKILL after $kept rows, then --resume"
    echo "whatif_test: SIGKILL after $kept of 75 rows, resumed to identical files"
done

rm -rf termed
"$qosim" sweep line.yaml "${long[@]}" --out termed --jobs 1 --quiet >/dev/null 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null && (($(rows_in termed) < 10)); do sleep 0.005; done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc -eq 130 ]] || fail "SIGTERM: exit code $rc, expected 130"
(($(rows_in termed) >= 10)) || fail "SIGTERM lost finished rows"
[[ ! -e termed/sweep_summary.csv ]] || fail "an interrupted sweep wrote a summary"
"$qosim" sweep line.yaml "${long[@]}" --out termed --jobs 2 --resume --quiet >/dev/null
same_files long_ref termed "SIGTERM, then --resume"

"$qosim" sweep line.yaml --out grown --reps 3 --quiet >/dev/null
"$qosim" sweep line.yaml --out grown --reps 5 --resume --quiet >/dev/null
same_files ref grown "--reps 3 then --resume --reps 5"

rc=0
"$qosim" sweep line.yaml --out grown --set stages.test.servers=2 --resume --quiet \
    >/dev/null 2>err.txt || rc=$?
[[ $rc -eq 2 ]] || fail "a resume with other overrides: exit $rc, expected 2"
grep -q "different scenario" err.txt || fail "the refusal says why: $(cat err.txt)"
rc=0
"$qosim" sweep line.yaml --out grown --quiet >/dev/null 2>err.txt || rc=$?
[[ $rc -eq 2 ]] || fail "a second sweep into a sweep directory without --resume: exit $rc"

# --- run: SIGINT keeps the finished replications -------------------------------------------
"$qosim" run line.yaml --reps 400 --horizon 20000 --jobs 2 --out interrupted --quiet \
    >/dev/null 2>err.txt &
pid=$!
sleep 1
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc -eq 130 ]] || fail "run after SIGINT: exit code $rc, expected 130"
grep -q '^interrupted,yes$' interrupted/run_info.csv || fail "run_info.csv marks the interruption"
n=$(($(wc -l <interrupted/runs.csv) - 1))
((n > 0 && n < 400)) || fail "runs.csv should hold the finished replications, has $n"
grep -q "^replications,$n\$" interrupted/run_info.csv || fail "run_info.csv counts $n replications"

# --- compare -------------------------------------------------------------------------------
"$qosim" compare line.yaml --out cmp --quiet >/dev/null
head -1 cmp/compare.csv | grep -q '^variant,metric,mean,diff_vs_base,diff_ci95_low,diff_ci95_high,crn_variance_ratio' ||
    fail "compare.csv header"
grep -q '^base,cost_per_order,[^,]*,,,,,' cmp/compare.csv || fail "the base has no difference"
grep -q '^third_smt,cost_per_order,' cmp/compare.csv || fail "third_smt compared"
rc=0
"$qosim" compare line.yaml --variant thrid_smt --out cmp2 --quiet >/dev/null 2>err.txt || rc=$?
[[ $rc -eq 2 ]] || fail "unknown variant: exit $rc, expected 2"
grep -q 'did you mean `third_smt`' err.txt || fail "unknown variant hint: $(cat err.txt)"
[[ ! -e cmp2 ]] || fail "a refused compare wrote its directory"
echo "whatif_test: all checks passed"
