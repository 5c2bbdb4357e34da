#!/usr/bin/env bash
# Renders the README's pictures from a bundled scenario: docs/img/report.png (report.html in
# headless Chromium) and docs/img/graph.svg / graph.png (`qosim graph --results` through
# Graphviz). Run from the repository root after a build; commit the images it writes.
#   scripts/screenshots.sh [QOSIM] [SCENARIO]
set -euo pipefail

qosim="${1:-build/dev/app/qosim}"
scenario="${2:-scenarios/electronics_quality.yaml}"
chromium="${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
[[ -x "$qosim" ]] || { echo "no qosim at $qosim (build first, or pass its path)" >&2; exit 2; }
[[ -x "$chromium" ]] || { echo "chromium is not installed (scripts/setup.sh)" >&2; exit 2; }
command -v dot >/dev/null || { echo "Graphviz dot is not installed (scripts/setup.sh)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs/img
"$qosim" run "$scenario" --reps 10 --timeseries 50 --quiet --out "$tmp/run" >/dev/null
"$qosim" graph "$scenario" --results "$tmp/run" -o docs/img/graph.svg
"$qosim" graph "$scenario" --results "$tmp/run" -o docs/img/graph.png
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$tmp/profile" --window-size=1280,2400 \
    --screenshot="$tmp/report.png" "file://$tmp/run/report.html" >/dev/null 2>&1
mv "$tmp/report.png" docs/img/report.png
echo "wrote docs/img/report.png, docs/img/graph.svg, docs/img/graph.png from $scenario"
