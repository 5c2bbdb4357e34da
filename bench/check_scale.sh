#!/usr/bin/env bash
# The scale of `qosim check`: wall time and peak memory of `qosim check` on a generated
# 2 000-stage and 10 000-stage line (bench/gen_line.py) and on two scenarios of about 200 000
# keys (bench/gen_keys.py: 20 000 stations in a line, one map of 100 000 products, and
# 200 000 unknown top-level keys, which `check` rejects with exit 2 and a message for each),
# each timed by farm-bench (median of RUNS runs after one warm-up).
#   bench/check_scale.sh [QOSIM] [RUNS]      (QOSIM: build/dev/app/qosim; RUNS: 3)
# For people, not CI: the tests check correctness only.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
qosim="${1:-$root/build/dev/app/qosim}"
runs="${2:-3}"
timeout="${CHECK_SCALE_TIMEOUT:-1800}"  # farm-bench's bound on each case, in seconds

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$root/bench/gen_line.py" 2000 >"$tmp/line2000.yaml"
python3 "$root/bench/gen_line.py" 10000 >"$tmp/line10000.yaml"
python3 "$root/bench/gen_keys.py" 200000 >"$tmp/keys200000.yaml"
python3 "$root/bench/gen_keys.py" 200000 --products >"$tmp/products100000.yaml"
python3 "$root/bench/gen_keys.py" 200000 --unknown >"$tmp/unknown200000.yaml"

for c in line2000 line10000 keys200000 products100000 unknown200000; do
    echo "== qosim check $c.yaml ($(wc -c <"$tmp/$c.yaml") bytes)"
    farm-bench -n "$runs" --timeout "$timeout" -- "$qosim" check "$tmp/$c.yaml" |
        grep -E '^A (exit|user s|wall s|peak MiB)'
done
