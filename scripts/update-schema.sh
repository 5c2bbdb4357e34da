#!/usr/bin/env bash
# Regenerates qosim.schema.json (the scenario format as JSON Schema, for editors) from the
# schema table: `qosim schema` of a build of this tree. Usage: scripts/update-schema.sh [QOSIM]
# (default: build/dev/app/qosim, built first). The `schema` test fails until it is rerun after
# a change of models/scenario/schema.cpp, the distribution families or the metric table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
qosim="${1:-}"
if [[ -z "$qosim" ]]; then
    cmake --preset release >/dev/null
    cmake --build --preset release -j2 --target qosim
    qosim=build/release/app/qosim
fi
"$qosim" schema > qosim.schema.json.tmp
mv qosim.schema.json.tmp qosim.schema.json
git status --short qosim.schema.json
