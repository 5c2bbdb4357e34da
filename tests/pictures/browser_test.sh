#!/usr/bin/env bash
# report.html of every bundled scenario's run (and of compare and sweep on the what-if
# scenario) renders in headless Chromium: the screenshot is not blank and the DOM holds every
# section. Exits 77 (ctest: skipped) without chromium.
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
# (awk: from the declaration to its closing "};", which may be on the same line)
section_ids() { awk -v name="$1" '$0 ~ name "\\[\\]" {f = 1} f {print} f && /};/ {exit}' "$2" |
    grep -o '"[a-z-]*"' | tr -d '"'; }
mapfile -t sections < <(section_ids kReportSections "$root/app/output/report.hpp")
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
# compare's and sweep's pages, from the what-if scenario.
whatif="$root/scenarios/electronics_whatif.yaml"
for cmd in compare sweep; do
    list=kCompareReportSections
    [[ $cmd == sweep ]] && list=kSweepReportSections
    mapfile -t ids < <(section_ids "$list" "$root/app/output/whatif_report.hpp")
    [[ ${#ids[@]} -ge 2 ]] || { echo "FAIL: could not read the $cmd section ids"; exit 1; }
    out="$tmp/$cmd"
    extra=""
    [[ $cmd == compare ]] && extra="--select --delta 1"
    # shellcheck disable=SC2086  # the extra arguments are words by design
    "$qosim" "$cmd" "$whatif" --reps 3 --horizon 600 --quiet --out "$out" $extra >/dev/null
    page="file://$out/report.html"
    timeout 60 "${headless[@]}" --screenshot="$tmp/$cmd.png" --dump-dom "$page" \
        >"$tmp/$cmd.dom.html" 2>/dev/null || true
    if [[ ! -s "$tmp/$cmd.png" ]]; then
        echo "FAIL: $cmd: no screenshot"
        fail=1
        continue
    fi
    python3 "$here/png_check.py" "$tmp/$cmd.png" 0.03 24 || fail=1
    python3 "$here/report_check.py" "$out/report.html" "$tmp/$cmd.dom.html" "${ids[@]}" || fail=1
done
[[ $fail -eq 0 ]] && echo "browser: every bundled scenario's report.html renders (run, compare, sweep)"
exit $fail
