#!/usr/bin/env bash
# Regenerates the golden outputs (tests/golden/expected/) with a fresh release build of qosim.
# The only way they change: review the diff, and say in the commit why the results changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target qosim
rm -rf tests/golden/expected
tests/golden/generate.sh build/release/app/qosim tests/golden/expected
git status --short tests/golden/expected
echo "update-golden: review \`git diff tests/golden\` and commit with the reason"
