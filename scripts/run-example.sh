#!/usr/bin/env bash
# Builds qosim (release) and runs one bundled scenario: scripts/run-example.sh [SCENARIO.yaml].
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scenario="${1:-scenarios/electronics_line.yaml}"
name="$(basename "$scenario")"
name="${name%.*}"

scripts/setup.sh
cmake --preset release
cmake --build --preset release -j2 --target qosim   # only what it runs
build/release/app/qosim run "$scenario" --out "out/$name"
