#!/usr/bin/env bash
# Macro-replications of `qosim compare --select` on a scenario whose answer is known
# (tests/whatif/select4.yaml: base is the best feasible system, a cheaper one misses the
# targets, the others are worse by the indifference zone and by twice it). Each macro
# replication uses another --seed, so its streams are independent of the others'.
#
#   scripts/selection-macro.sh [-n MACRO_REPS] [-q QOSIM] [-- extra compare options]
#
# Prints one line per macro replication (seed, variant selected, replications spent, those
# of a fixed-sample design), then the share of correct selections and the replications
# spent against the fixed-sample design's. KN guarantees a correct selection with
# probability >= 95 %; with 100 macro replications, fewer than 90 correct would be
# surprising (P <= 2.8 % at PCS = 0.95). For people, not CI. Exit status 0 when at least
# 95 % were correct, 1 otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qosim="$root/build/release/app/qosim"
n=100
while (($#)); do
    case "$1" in
        -n) n="$2"; shift 2 ;;
        -q) qosim="$2"; shift 2 ;;
        -h | --help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        --) shift; break ;;
        *) echo "selection-macro.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ -x "$qosim" ]] || { echo "selection-macro.sh: no qosim at $qosim (build it first)" >&2; exit 2; }

scenario="$root/tests/whatif/select4.yaml"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
correct=0 spent=0 fixed=0
for ((seed = 1; seed <= n; seed++)); do
    "$qosim" compare "$scenario" --select --delta 0.005 --seed "$seed" --out "$out/m" --quiet \
        "$@" >/dev/null
    chosen="$(awk -F, '$6 == "yes" { print $1 }' "$out/m/selection.csv")"
    used="$(awk -F, '$1 == "selection_replications" { print $2 }' "$out/m/run_info.csv")"
    design="$(awk -F, '$1 == "fixed_sample_replications" { print $2 }' "$out/m/run_info.csv")"
    [[ "$chosen" == base ]] && correct=$((correct + 1))
    spent=$((spent + used))
    fixed=$((fixed + design))
    printf 'seed %4d  selected %-15s  replications %5d  fixed-sample %6d\n' \
        "$seed" "${chosen:-none}" "$used" "$design"
done
echo "correct: $correct of $n; replications spent: $spent, a fixed-sample design: $fixed"
((correct * 100 >= 95 * n))
