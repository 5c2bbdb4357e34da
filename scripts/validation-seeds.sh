#!/usr/bin/env bash
# Runs the statistical validation suite under other seeds, to show that it passes because the
# simulator is right and not because its seeds were picked (tests/support/family.hpp).
#
#   scripts/validation-seeds.sh [EXECUTABLE] [OFFSET ...]
#
# EXECUTABLE is the validation test binary (default build/release/tests/qosim_validation_tests;
# this script builds nothing). Each OFFSET (default 1..20) becomes QOSIM_VALIDATION_SEED_OFFSET,
# which shifts every validation scenario's seed. Prints one line per offset, pass or fail and
# which test cases failed, then "N of M passed". With the family-wise design a correct
# simulator fails an offset with probability at most 1 %, so a failure deserves a look: rerun
# that test under many offsets and see whether (mean - exact) / sd is centred on zero.
# For people, not CI. Exit status: 0 when every offset passed, 1 otherwise.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exe="$root/build/release/tests/qosim_validation_tests"
if (($#)) && ! [[ "$1" =~ ^[0-9]+$ ]]; then
    case "$1" in
        -h | --help)
            sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
    esac
    exe="$1"
    shift
fi
if ! [[ -x "$exe" ]]; then
    echo "validation-seeds.sh: no executable validation suite at $exe (build it first)" >&2
    exit 2
fi

offsets=("$@")
if ((${#offsets[@]} == 0)); then
    mapfile -t offsets < <(seq 1 20)
fi
for offset in "${offsets[@]}"; do
    if ! [[ "$offset" =~ ^[0-9]+$ ]]; then
        echo "validation-seeds.sh: a seed offset is a non-negative integer, not '$offset'" >&2
        exit 2
    fi
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

passed=0
for offset in "${offsets[@]}"; do
    start=$SECONDS
    QOSIM_VALIDATION_SEED_OFFSET="$offset" "$exe" --order decl >"$log" 2>&1
    rc=$?
    elapsed=$((SECONDS - start))
    if ((rc == 0)); then
        passed=$((passed + 1))
        printf 'offset %4s  pass  (%ss)\n' "$offset" "$elapsed"
        continue
    fi
    # Catch2's console reporter names a failing test case (and its sections) between two
    # rules of dashes; the first line of each such header is the test case.
    failed="$(awk '
        /^-+$/ && length($0) > 70 { if (inside) { inside = 0 } else { inside = 1; first = 1 } next }
        inside && first { if (!seen[$0]++) names = names (names ? "; " : "") $0; first = 0 }
        END { print names }' "$log")"
    count="$(grep -m1 '^validation: .* statistical checks ran' "$log" || true)"
    reason="${failed:-no test case failed (exit code $rc)}"
    [[ -n "$count" ]] && reason="$reason; $count"
    printf 'offset %4s  FAIL  (%ss)  %s\n' "$offset" "$elapsed" "$reason"
done
echo "$passed of ${#offsets[@]} passed"
((passed == ${#offsets[@]}))
