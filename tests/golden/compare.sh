#!/usr/bin/env bash
# Golden test: regenerates every case into a temporary directory and compares the bytes with
# the committed tests/golden/expected/. A difference means results changed: if that is meant,
# run scripts/update-golden.sh and give the reason in the commit.
#   tests/golden/compare.sh QOSIM ROOT
set -euo pipefail

qosim="${1:?usage: compare.sh QOSIM ROOT}"
root="${2:?usage: compare.sh QOSIM ROOT}"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tests/golden/generate.sh "$qosim" "$tmp"
if ! diff -ru tests/golden/expected "$tmp"; then
    echo "golden outputs differ (diff above: - committed, + this build)." >&2
    echo "If the change of results is intended, run scripts/update-golden.sh and say why in" >&2
    echo "the commit; a change of random-number use also bumps kStreamVersion." >&2
    exit 1
fi
echo "golden outputs: identical"
