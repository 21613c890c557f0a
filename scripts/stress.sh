#!/usr/bin/env bash
# Installs dependencies, builds, and runs the stress harness (the demo).
# Usage: scripts/stress.sh [actortx-stress options ...]   e.g. --help, --dsn ..., --transfers N
# Without --dsn / ACTORTX_DSN the harness starts its own throwaway PostgreSQL.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The stress harness measures performance: never the sanitizer build here.
# Only the harness itself: the demo should not wait for (or fail on) the test suite.
ACTORTX_SANITIZE=0 bash scripts/build.sh build actortx-stress >&2

# The binary's location depends on the generator/layout; look for it instead of guessing.
bin=build/examples/actortx-stress
if [[ ! -x "$bin" ]]; then
  bin=$(find build -type f -name actortx-stress -perm -u+x -print -quit)
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "stress.sh: actortx-stress was not built (looked under $root/build)" >&2
  exit 1
fi
exec "$bin" "$@"
