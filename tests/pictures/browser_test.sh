#!/usr/bin/env bash
# report.html of every bundled scenario renders in headless Chromium: the screenshot is not
# blank and the DOM holds every section. Exits 77 (ctest: skipped) without chromium.
#   tests/pictures/browser_test.sh QOSIM ROOT
set -euo pipefail

qosim="${1:?usage: browser_test.sh QOSIM ROOT}"
root="${2:?usage: browser_test.sh QOSIM ROOT}"
here="$(cd "$(dirname "$0")" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
    chromium="$(command -v chromium || command -v chromium-browser || true)"
fi
if [[ -z "$chromium" || ! -x "$chromium" ]]; then
    echo "SKIP: chromium is not installed (scripts/setup.sh installs it)"
    exit 77
fi
# The section ids, from the one list in app/output/report.hpp.
mapfile -t sections < <(sed -n '/kReportSections\[\]/,/;/p' "$root/app/output/report.hpp" |
    grep -o '"[a-z-]*"' | tr -d '"')
[[ ${#sections[@]} -ge 7 ]] || { echo "FAIL: could not read the section ids"; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
headless=("$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars
    --user-data-dir="$tmp/profile" --window-size=1280,2000)
fail=0
for scenario in "$root"/scenarios/*.yaml; do
    name="$(basename "$scenario" .yaml)"
    out="$tmp/$name"
    "$qosim" run "$scenario" --reps 2 --horizon 1000 --set run.warmup=100 --timeseries 100 \
        --quiet --out "$out" >/dev/null
    page="file://$out/report.html"
    # One browser start for both: the screenshot and the DOM it rendered.
    timeout 60 "${headless[@]}" --screenshot="$tmp/$name.png" --dump-dom "$page" \
        >"$tmp/$name.dom.html" 2>/dev/null || true
    if [[ ! -s "$tmp/$name.png" ]]; then
        echo "FAIL: $name: no screenshot"
        fail=1
        continue
    fi
    python3 "$here/png_check.py" "$tmp/$name.png" 0.03 24 || fail=1
    python3 "$here/report_check.py" "$out/report.html" "$tmp/$name.dom.html" "${sections[@]}" ||
        fail=1
done
[[ $fail -eq 0 ]] && echo "browser: every bundled scenario's report.html renders"
exit $fail
