#!/usr/bin/env bash
# Golden outputs: writes one short run (and the `check` report) of every bundled scenario into
# OUTDIR/<case>/. The one list of cases, used by scripts/update-golden.sh and compare.sh.
#   tests/golden/generate.sh QOSIM OUTDIR        (run from the repository root)
set -euo pipefail

qosim="${1:?usage: generate.sh QOSIM OUTDIR}"
out="${2:?usage: generate.sh QOSIM OUTDIR}"

# case | scenario | run arguments (short horizons: the point is the bytes, not the statistics)
cases=(
    "data_pipeline|scenarios/data_pipeline.yaml|--reps 3 --horizon 600 --timeseries 60"
    "electronics_line|scenarios/electronics_line.yaml|--reps 3 --horizon 600"
    "electronics_quality|scenarios/electronics_quality.yaml|--reps 3 --horizon 600"
    "job_shop|scenarios/job_shop.yaml|--reps 3 --horizon 1000"
    "mm1|scenarios/mm1.yaml|--reps 3 --horizon 3000 --set run.warmup=100"
    "mm1_trace|scenarios/mm1.yaml|--reps 2 --horizon 60 --set run.warmup=10 --trace TRACE"
    "order_fulfilment|scenarios/order_fulfilment.yaml|--reps 3 --horizon 3000"
    "electronics_whatif|scenarios/electronics_whatif.yaml|--reps 3 --horizon 600"
)

# case | command | scenario | arguments: the what-if commands' files (sweep.journal's rows are
# in completion order and scenario.yaml is a copy: neither is a result, so neither is kept)
whatif_cases=(
    "whatif_compare|compare|scenarios/electronics_whatif.yaml|--reps 5 --horizon 600"
    "whatif_select|compare|scenarios/electronics_whatif.yaml|--reps 5 --horizon 600 --select --delta 1"
    "whatif_sweep|sweep|scenarios/electronics_whatif.yaml|--reps 3 --horizon 600"
)

mkdir -p "$out"
for c in "${cases[@]}"; do
    IFS='|' read -r name scenario args <<<"$c"
    dir="$out/$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    args="${args//TRACE/$dir/trace.csv}"
    # shellcheck disable=SC2086  # the arguments are words by design
    "$qosim" run "$scenario" --out "$dir/run" --jobs 2 --quiet $args >/dev/null
    "$qosim" check "$scenario" >"$dir/check.txt" 2>"$dir/check.stderr.txt"
    # The trace path is recorded in run_info.csv; keep it independent of OUTDIR.
    if [[ -f "$dir/run/run_info.csv" ]]; then
        sed -i "s|$dir/|GOLDEN/|g" "$dir/run/run_info.csv"
    fi
done

for c in "${whatif_cases[@]}"; do
    IFS='|' read -r name command scenario args <<<"$c"
    dir="$out/$name"
    rm -rf "$dir"
    # shellcheck disable=SC2086  # the arguments are words by design
    "$qosim" "$command" "$scenario" --out "$dir" --jobs 2 --quiet $args >"$dir.stdout.txt"
    # The report, less its one clock reading (tasks/s) and with the directory made neutral.
    grep -v 'tasks/s' "$dir.stdout.txt" | sed "s|$dir/|GOLDEN/|g" >"$dir/stdout.txt"
    rm "$dir.stdout.txt"
    rm -f "$dir/sweep.journal" "$dir/scenario.yaml"
done
