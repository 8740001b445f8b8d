#!/usr/bin/env bash
# Configures and builds one build tree: scripts/build.sh <dir> [cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$1
shift
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" -G Ninja \
  -DPython3_EXECUTABLE=/usr/bin/python3 \
  "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir"
