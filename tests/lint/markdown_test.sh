#!/usr/bin/env bash
# The Markdown check finds clang-format damage in a known-damaged sample and none in the tree.
set -euo pipefail
root="$1"
cd "$root"
if scripts/check-markdown.py tests/data/lint/damaged_markdown.txt >/dev/null 2>&1; then
    echo "check-markdown.py passed a damaged sample: the check is broken" >&2
    exit 1
fi
scripts/check-markdown.py
