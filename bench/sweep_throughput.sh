#!/usr/bin/env bash
# Sweep throughput: tasks (point x replication) per second of `qosim sweep` with one thread,
# two threads, and MPI ranks when qosim has MPI. The workload is tests/whatif/line.yaml, a
# 3 x 5 grid, at --horizon 20000 and --reps 5: 75 tasks of about 13 000 orders each.
#
#   bench/sweep_throughput.sh [QOSIM] [RUNS]
#
# QOSIM defaults to build/release/app/qosim (build it first: cmake --build --preset release
# --target qosim). Each configuration runs RUNS times (default 5) into a fresh directory; the
# table gives the median wall time of the whole process and the tasks per second it means.
# For people, not CI (tests check correctness only).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qosim="${1:-$root/build/release/app/qosim}"
runs="${2:-5}"
[[ -x "$qosim" ]] || { echo "sweep_throughput.sh: no qosim at $qosim" >&2; exit 2; }
scenario="$root/tests/whatif/line.yaml"
args=(--horizon 20000 --reps 5 --quiet)
tasks=75
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

median_seconds() { # COMMAND...: the median wall time of RUNS runs, each into a fresh DIR
    local times=()
    for ((i = 0; i < runs; i++)); do
        rm -rf "$work/out"
        local start end
        start=$(date +%s.%N)
        "$@" --out "$work/out" >/dev/null
        end=$(date +%s.%N)
        times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

printf '%-16s %10s %10s\n' configuration "median s" "tasks/s"
report() { # NAME COMMAND...
    local name="$1"
    shift
    local s
    s=$(median_seconds "$@")
    printf '%-16s %10.2f %10.1f\n' "$name" "$s" "$(awk -v t="$tasks" -v s="$s" 'BEGIN { print t / s }')"
}
report "--jobs 1" "$qosim" sweep "$scenario" "${args[@]}" --jobs 1
report "--jobs 2" "$qosim" sweep "$scenario" "${args[@]}" --jobs 2
if "$qosim" --version | grep -q "MPI: yes" && command -v mpirun >/dev/null; then
    report "mpirun -n 2" mpirun -n 2 --oversubscribe "$qosim" sweep "$scenario" "${args[@]}"
    report "mpirun -n 3" mpirun -n 3 --oversubscribe "$qosim" sweep "$scenario" "${args[@]}"
fi
echo "($tasks tasks; mpirun -n N has N - 1 workers: rank 0 only coordinates)"
