#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite with ctest.
# Usage: scripts/test.sh [ctest args ...]     e.g. scripts/test.sh -L unit, -R saga
# ACTORTX_SANITIZE=1 runs it on the AddressSanitizer/UBSan build (build-asan).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ "${ACTORTX_SANITIZE:-0}" == 1 ]]; then
  build_dir=build-asan
  # Full unwinding: libpq has no frame pointers, and the LSan suppression must see past it.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
  build_dir=build
fi

# The full suite also needs chromium (the [browser] dashboard test, which must not skip here)
# and promtool from prometheus (the /metrics lint).
bash scripts/install-deps.sh chromium prometheus
export ACTORTX_REQUIRE_BROWSER=${ACTORTX_REQUIRE_BROWSER:-1}

ACTORTX_WERROR=${ACTORTX_WERROR:-1} bash scripts/build.sh "$build_dir"

# Last resort: the CTest fixture and the reaper already remove the suite's PostgreSQL, but if
# ctest itself is interrupted, stop it here as well.
fixture_bin="$build_dir/tests/actortx-pg-fixture"
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  if [[ -x "$fixture_bin" ]]; then
    "$fixture_bin" stop "$build_dir/pg-fixture" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rc=0
ctest --test-dir "$build_dir" -j2 --output-on-failure --timeout 600 "$@" || rc=$?
exit "$rc"
