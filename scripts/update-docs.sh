#!/usr/bin/env bash
# Rewrites the generated sections of docs/ from the code that defines them: the key reference
# in docs/scenario.md comes from the schema table (`qosim schema --markdown`).
#   scripts/update-docs.sh [QOSIM]      (default: a fresh release build of qosim)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
qosim="${1:-}"
if [[ -z "$qosim" ]]; then
    cmake --preset release >/dev/null
    cmake --build --preset release -j2 --target qosim >/dev/null
    qosim=build/release/app/qosim
fi

doc=docs/scenario.md
begin='<!-- BEGIN GENERATED: key reference (scripts/update-docs.sh) -->'
end='<!-- END GENERATED: key reference -->'
reference="$(mktemp)"
trap 'rm -f "$reference" "$reference.doc"' EXIT
"$qosim" schema --markdown >"$reference"
awk -v begin="$begin" -v end="$end" -v ref="$reference" '
    $0 == begin { print; print ""; while ((getline line < ref) > 0) print line; print ""; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }
' "$doc" >"$reference.doc"
grep -qxF "$begin" "$reference.doc" || { echo "update-docs: no generated-section marker in $doc" >&2; exit 1; }
mv "$reference.doc" "$doc"
echo "update-docs: $doc key reference regenerated"
