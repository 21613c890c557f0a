#!/usr/bin/env bash
# Installs dependencies, configures and builds actortx.
# Usage: scripts/build.sh [build-dir [target ...]]
#   build-dir: default build, or build-asan with ACTORTX_SANITIZE=1; targets: default all.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh

cmake_args=()
if [[ "${ACTORTX_SANITIZE:-0}" == 1 ]]; then
  build_dir=${1:-build-asan}
  # -O0 -g1 (CMakeLists.txt); the benchmarks measure nothing under a sanitizer.
  cmake_args+=(-DACTORTX_SANITIZE=ON -DCMAKE_BUILD_TYPE=Sanitize -DACTORTX_BUILD_BENCH=OFF)
else
  build_dir=${1:-build}
  # Explicitly 0 (as stress.sh sets it): make sure a reused build dir is not a sanitizer one.
  if [[ "${ACTORTX_SANITIZE:-}" == 0 ]]; then
    cmake_args+=(-DACTORTX_SANITIZE=OFF)
  fi
fi

# Warnings are errors in the build the tests use (scripts/test.sh sets ACTORTX_WERROR=1).
if [[ "${ACTORTX_WERROR:-0}" == 1 ]]; then
  cmake_args+=(-DACTORTX_WERROR=ON)
fi

shift $(($# > 0 ? 1 : 0))
targets=()
if (($# > 0)); then
  targets=(--target "$@")
fi

cmake -S . -B "$build_dir" "${cmake_args[@]}"
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
