#!/bin/sh
# Runs actortx-stress with faults and checks what its exit code alone cannot: every fault kind
# the run scheduled was injected at least once and survived at least once; with a report file,
# the report has the verdict and the Faults section.
# Usage: every_fault_survived.sh <actortx-stress> <report.html or ""> <harness options...>
set -u
bin=$1
report=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ -n "$report" ]; then
  rm -f "$report"
  set -- "$@" --report "$report"
fi
"$bin" "$@" >"$out" 2>&1
rc=$?
cat "$out"
fail() {
  echo "every_fault_survived: $*" >&2
  exit 1
}
[ "$rc" -eq 0 ] || fail "actortx-stress exited $rc"
kinds=$(sed -n 's/^fault schedule: .*, kinds \([a-z,-]*\), digest .*/\1/p' "$out" | tr ',' ' ')
[ -n "$kinds" ] || fail "no fault schedule printed"
for k in $kinds; do
  # The counts table: "  <kind>  <scheduled> <injected> <survived> <slowest> ms"
  row=$(awk -v k="$k" '/^faults \(seed/ { t = 1 } t && $1 == k { print; exit }' "$out")
  [ -n "$row" ] || fail "$k: not in the fault counts"
  set -- $row
  [ "$3" -ge 1 ] || fail "$k: scheduled $2, injected $3"
  [ "$4" -ge 1 ] || fail "$k: injected $3, survived $4"
done
if [ -n "$report" ]; then
  grep -q 'Invariants: OK' "$report" || fail "$report: no 'Invariants: OK'"
  grep -q '<h2>Faults</h2>' "$report" || fail "$report: no Faults section"
fi
echo "every_fault_survived: every kind injected and survived: $kinds"
