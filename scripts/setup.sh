#!/usr/bin/env bash
# Installs the build and test dependencies on Debian 12 (idempotent: apt runs only when needed).
set -euo pipefail

# Boost.Math headers (students_t) come with libboost-dev (libboost1.74-dev); Boost.Graph with
# libboost-graph-dev. CLI11 2.1, Catch2 2.13, yaml-cpp 0.7 and Eigen 3.4 are Debian 12's.
# Open MPI 4.1 (libopenmpi-dev, openmpi-bin) for `mpirun -n N qosim sweep`; the build works
# without it (-DQOSIM_MPI=OFF), the test suite checks the MPI case when it is there.
# Graphviz (`dot`) renders `qosim graph -o FILE.svg|png`; python3-jsonschema validates the
# bundled scenarios against `qosim schema` (python3-yaml reads them); Chromium renders
# report.html headless in the tests.
# Clang 14 builds the `clang` preset (CI compiles with both compilers) and the libFuzzer targets
# (`fuzz` preset, scripts/fuzz.sh): libclang-rt-14-dev has the sanitizer and fuzzer runtimes,
# libfuzzer-14-dev the libFuzzer library.
packages=(
    g++
    clang
    libclang-rt-14-dev
    libfuzzer-14-dev
    cmake
    ninja-build
    libboost-dev
    libboost-graph-dev
    libeigen3-dev
    libyaml-cpp-dev
    catch2
    libcli11-dev
    clang-format
    python3
    libopenmpi-dev
    openmpi-bin
    graphviz
    python3-jsonschema
    python3-yaml
    chromium
)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
    sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
