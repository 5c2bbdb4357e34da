#!/usr/bin/env python3
"""Checks report.html and the DOM Chromium built from it: every section id is in the DOM, each
inline <svg> of the file is well-formed XML, and the page loads nothing from elsewhere.
   report_check.py REPORT.html DOM.html SECTION_ID ..."""
import re
import sys
import xml.etree.ElementTree as ET


def main():
    report, dom_file, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
    html = open(report, encoding="utf-8").read()
    dom = open(dom_file, encoding="utf-8").read()
    failures = []
    for sid in ids:
        if f'id="{sid}"' not in dom:
            failures.append(f"section id={sid} is not in the DOM")
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    if len(svgs) < 2:
        failures.append(f"only {len(svgs)} inline SVG charts")
    for k, block in enumerate(svgs):
        try:
            ET.fromstring(block)
        except ET.ParseError as e:
            failures.append(f"SVG #{k} is not well-formed XML: {e}")
    if "<script" in html or re.search(r"\b(src|href)=\"(?!#)", html):
        failures.append("the page loads a script or an external resource")
    if "<svg" not in dom:
        failures.append("the DOM has no SVG")
    for f in failures:
        print(f"FAIL: {report}: {f}")
    print(f"{report}: {len(ids)} sections, {len(svgs)} SVG charts checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
