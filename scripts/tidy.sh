#!/usr/bin/env bash
# clang-tidy (.clang-tidy: bugprone, performance, a modernize subset) over the library's sources.
# Usage: scripts/tidy.sh [file-regex]     default: every .cpp of actors/, messages/, runtime/
# Uses its own configuration without precompiled headers (clang cannot read g++'s).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh clang-tidy
cmake -S . -B build-tidy -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DACTORTX_BUILD_TESTS=OFF -DACTORTX_BUILD_EXAMPLES=OFF -DACTORTX_BUILD_BENCH=OFF >/dev/null
run-clang-tidy -p build-tidy -j"$(nproc)" -quiet \
  "${1:-$root/(actors|messages|runtime)/.*\\.cpp\$}"
