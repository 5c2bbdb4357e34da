#!/usr/bin/env bash
# Profile-guided optimisation, training step: runs an instrumented qosim (built with
# -fprofile-generate) on the bundled scenarios and the bench models, so the release build can
# be optimised for the code paths planners actually run. Called by the build (CMakeLists.txt,
# QOSIM_PGO=USE), not by hand:
#   scripts/pgo-train.sh QOSIM_INSTRUMENTED PROFILE_DIR
# One thread (--jobs 1) so the profile counts, and hence the optimised binary, are the same on
# every build. The profile changes only speed: results are the same bytes with or without it.
set -euo pipefail

qosim="${1:?usage: pgo-train.sh QOSIM PROFILE_DIR}"
profile="${2:?usage: pgo-train.sh QOSIM PROFILE_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Counts add up across runs: start from an empty profile so every training is the same.
find "$profile" -name '*.gcda' -delete 2>/dev/null || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() { "$qosim" "$@" --jobs 1 --quiet --out "$work/out" >/dev/null; rm -rf "$work/out"; }

for s in scenarios/*.yaml; do
    "$qosim" check "$s" >/dev/null
    run run "$s" --reps 2 --horizon 2000 --set run.warmup=100
done
for m in mm1 mm3 tandem5 faulty_line; do
    run run "bench/models/$m.yaml" --horizon 50000
done
run compare scenarios/electronics_whatif.yaml --reps 2 --horizon 600
echo "pgo-train: profile written to $profile"
