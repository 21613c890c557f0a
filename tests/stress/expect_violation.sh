#!/bin/sh
# Runs actortx-stress and passes only when it exits 1 (an invariant violated) and its output
# says why: proves that a check fails when the thing it checks is wrong (a test hook such as
# --misreport-outcome-for-test breaks it on purpose).
# Usage: expect_violation.sh <pattern (grep -E)> <actortx-stress> <options...>
set -u
pattern=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" -eq 1 ] || { echo "expect_violation: exit code $rc, expected 1" >&2; exit 1; }
grep -Eq "$pattern" "$out" || { echo "expect_violation: no line matches: $pattern" >&2; exit 1; }
echo "expect_violation: exit 1 with: $pattern"
