#!/usr/bin/env bash
# Builds and runs the whole test suite with a CMake preset:
#   scripts/test.sh [--preset release|asan|clang]
set -euo pipefail

preset=release
while (($#)); do
    case "$1" in
        --preset) preset="${2:?--preset needs a value (release, asan or clang)}"; shift 2 ;;
        --preset=*) preset="${1#--preset=}"; shift ;;
        -h|--help) echo "usage: scripts/test.sh [--preset release|asan|clang]"; exit 0 ;;
        *) echo "test.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$preset" in
    release|asan|clang) ;;
    *) echo "test.sh: unknown preset '$preset' (release, asan or clang)" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j2
ctest --preset "$preset" -j2
