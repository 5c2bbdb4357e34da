#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each for N
# seconds, one after the other:
#   scripts/fuzz.sh [--seconds N] [TARGET...]      targets: load overrides check run (default all)
# Seeds come fresh from scenarios/, tests/data/** and tests/data/fuzz/<target>/ (copied into
# build/fuzz/seeds/, never committed); what the fuzzer learns stays in build/fuzz/corpus/.
# A finding (crash, sanitizer report, unexpected exception, leak, > 2 GB, > 5 s on one input)
# is saved in build/fuzz/findings/<target>/ and makes the script exit 1; keep it as a
# regression input in tests/data/fuzz/<target>/ (the test suite replays that directory).
set -euo pipefail

all_targets=(load overrides check run)
seconds=60
targets=()
while (($#)); do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
        --seconds=*) seconds="${1#--seconds=}"; shift ;;
        -h|--help) echo "usage: scripts/fuzz.sh [--seconds N] [TARGET...] (${all_targets[*]})"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option: $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: --seconds takes a whole number of seconds > 0, not '$seconds'" >&2
    exit 2
fi
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    if [[ " ${all_targets[*]} " != *" $t "* ]]; then
        echo "fuzz.sh: unknown target '$t' (${all_targets[*]})" >&2
        exit 2
    fi
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build=build/fuzz

scripts/setup.sh
cmake --preset fuzz
cmake --build --preset fuzz -j2

# Seeds: every scenario the repository has, good and bad; the overrides target also gets one
# --set item per schema key, and each bundled scenario with a few items after its `#set` line.
rm -rf "$build/seeds"
for t in "${targets[@]}"; do
    seeds="$build/seeds/$t"
    mkdir -p "$seeds"
    n=0
    while IFS= read -r -d '' f; do
        cp "$f" "$seeds/seed_$((n++))_$(basename "$f")"
    done < <(find scenarios tests/data -type f -name '*.yaml' -not -path 'tests/data/fuzz/*' -print0 | sort -z)
    if [[ -d "tests/data/fuzz/$t" ]]; then
        find "tests/data/fuzz/$t" -type f -not -name '.*' -exec cp {} "$seeds/" \;
    fi
    if [[ "$t" == overrides ]]; then
        "$build/fuzz/fuzz_tool" override-seeds "$seeds/items"
        for f in scenarios/*.yaml; do
            { cat "$f"; printf '\n#set\nrun.horizon=50\nrun.replications=2\nname=set\n'; } \
                >"$seeds/with_set_$(basename "$f")"
        done
    fi
done
"$build/fuzz/fuzz_tool" dict >"$build/qosim.dict"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
printf '\n%-10s %8s %12s %10s  %s\n' target seconds executions exec/s result
for t in "${targets[@]}"; do
    corpus="$build/corpus/$t"
    findings="$build/findings/$t"
    log="$build/logs/$t.log"
    mkdir -p "$corpus" "$findings" "$(dirname "$log")"
    start=$(date +%s)
    rc=0
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=5 \
        -dict="$build/qosim.dict" -artifact_prefix="$findings/" -print_final_stats=1 \
        "$corpus" "$build/seeds/$t" >"$log" 2>&1 || rc=$?
    elapsed=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=${execs:-$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)}
    execs=${execs:-0}
    if ((rc == 0)); then
        result="no finding"
    else
        result="FINDING (exit $rc): $(ls -t "$findings" | head -1) -- see $log"
        failed+=("$t")
    fi
    printf '%-10s %8s %12s %10s  %s\n' "$t" "$elapsed" "$execs" "$((execs / (elapsed > 0 ? elapsed : 1)))" "$result"
done

if ((${#failed[@]})); then
    echo "fuzz.sh: findings in: ${failed[*]} (inputs in $build/findings/<target>/)" >&2
    exit 1
fi
