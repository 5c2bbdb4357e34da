#!/usr/bin/env python3
"""Fails when a Markdown file looks damaged by a code formatter (clang-format on prose).

Usage: scripts/check-markdown.py [FILE.md ...]   (default: every tracked *.md file)

It looks, outside code fences and code spans, for the marks clang-format leaves on prose:
  - an ATX heading without a space after its #s          ("#qosim", "##The map")
  - a code fence whose opening line carries prose         ("``` sim / qosim_sim time ...")
  - two sentences glued at a full stop                    ("statistics.Standard library")
  - a list item glued onto the end of the line above      ("writes nothing.- `--jobs N`")
Exit status: 0 clean, 1 damage found (each hit printed as file:line: reason), 2 usage.
"""
import re
import subprocess
import sys

HEADING = re.compile(r"^ {0,3}#{1,6}[^\s#]")
FENCE = re.compile(r"^ {0,3}(```+|~~~+)(.*)$")
GLUED_SENTENCE = re.compile(r"\b[a-z]{2,}\.[A-Z][a-z]+\b")
GLUED_BULLET = re.compile(r"[A-Za-z0-9)`][.;:]- [`*A-Za-z]")
CODE_SPAN = re.compile(r"`[^`]*`")
URL = re.compile(r"\w+://\S+|\S+@\S+")


def tracked_markdown():
    out = subprocess.run(["git", "ls-files", "*.md"], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line]


def check(path):
    problems = []
    fence = None  # the marker that opened the current fence
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\n")
            m = FENCE.match(line)
            if m:
                marker, info = m.group(1), m.group(2).strip()
                if fence is None:
                    fence = marker[0] * 3
                    # An info string is one word (a language), never a sentence.
                    if len(info.split()) > 1:
                        problems.append((number, "code fence opening carries text: " + info[:40]))
                elif marker.startswith(fence) and not info:
                    fence = None
                continue
            if fence is not None:
                continue
            if HEADING.match(line):
                problems.append((number, "heading without a space after its #s"))
            prose = URL.sub("", CODE_SPAN.sub("``", line))
            if GLUED_SENTENCE.search(prose):
                problems.append((number, "two sentences glued at a full stop"))
            if GLUED_BULLET.search(prose):
                problems.append((number, "a list item glued onto the line above"))
    if fence is not None:
        problems.append((number, "a code fence is never closed"))
    return problems


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    files = argv or tracked_markdown()
    bad = 0
    for path in files:
        for number, reason in check(path):
            print(f"{path}:{number}: {reason}")
            bad += 1
    if bad:
        print(f"check-markdown: {bad} damaged line(s); fix the prose by hand (never run a code "
              "formatter on Markdown)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
