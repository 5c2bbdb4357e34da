#!/usr/bin/env bash
# graph --results of every bundled scenario renders with Graphviz `dot` without a warning, and
# -o FILE.svg / FILE.png render through it. Exits 77 (ctest: skipped) without `dot`.
#   tests/pictures/graph_test.sh QOSIM ROOT
set -euo pipefail

qosim="${1:?usage: graph_test.sh QOSIM ROOT}"
root="${2:?usage: graph_test.sh QOSIM ROOT}"
if ! command -v dot >/dev/null 2>&1; then
    echo "SKIP: Graphviz dot is not on PATH (scripts/setup.sh installs graphviz)"
    exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
for scenario in "$root"/scenarios/*.yaml; do
    name="$(basename "$scenario" .yaml)"
    res="$tmp/$name"
    "$qosim" run "$scenario" --reps 2 --horizon 1000 --set run.warmup=100 --quiet \
        --out "$res" >/dev/null
    "$qosim" graph "$scenario" --results "$res" -o "$tmp/$name.dot"
    if grep -q 'nstation\\n\|ninspection\\n' "$tmp/$name.dot" && ! grep -q BOTTLENECK "$tmp/$name.dot"; then
        echo "FAIL: $name: no bottleneck marked"
        fail=1
    fi
    if ! dot -Tsvg "$tmp/$name.dot" -o "$tmp/$name.by-dot.svg" 2>"$tmp/$name.dot.err"; then
        echo "FAIL: $name: dot -Tsvg exited non-zero"
        fail=1
    fi
    if [[ -s "$tmp/$name.dot.err" ]]; then
        echo "FAIL: $name: dot -Tsvg warned:"
        cat "$tmp/$name.dot.err"
        fail=1
    fi
    # The plain graph (no results) renders cleanly too.
    "$qosim" graph "$scenario" | dot -Tsvg -o /dev/null 2>"$tmp/$name.plain.err" || fail=1
    if [[ -s "$tmp/$name.plain.err" ]]; then
        echo "FAIL: $name: dot warned on the plain graph:"
        cat "$tmp/$name.plain.err"
        fail=1
    fi
    echo "ok: $name"
done

# -o FILE.svg and FILE.png are rendered by qosim through dot, atomically.
scenario="$root/scenarios/electronics_line.yaml"
"$qosim" graph "$scenario" --results "$tmp/electronics_line" -o "$tmp/line.svg"
grep -q '<svg' "$tmp/line.svg" || { echo "FAIL: line.svg is not SVG"; fail=1; }
grep -q 'BOTTLENECK' "$tmp/line.svg" || { echo "FAIL: line.svg lacks the bottleneck"; fail=1; }
"$qosim" graph "$scenario" -o "$tmp/line.png"
[[ "$(head -c 8 "$tmp/line.png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] ||
    { echo "FAIL: line.png is not a PNG"; fail=1; }
if ls -a "$tmp" | grep -q '\.tmp$'; then
    echo "FAIL: a temp file was left behind"
    fail=1
fi
# Without dot on PATH: a clear message, exit 2, nothing written.
set +e
PATH=/nonexistent "$qosim" graph "$scenario" -o "$tmp/nodot.svg" 2>"$tmp/nodot.err"
rc=$?
set -e
if [[ $rc -ne 2 ]] || ! grep -q 'Graphviz' "$tmp/nodot.err" || [[ -e "$tmp/nodot.svg" ]]; then
    echo "FAIL: without dot: exit $rc, $(cat "$tmp/nodot.err")"
    fail=1
fi
[[ $fail -eq 0 ]] && echo "graph rendering: every bundled scenario renders without warnings"
exit $fail
