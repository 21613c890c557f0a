#!/bin/sh
# SIGINT stops actortx-stress within 2 s in every phase: sent once <wait-for> appears in its
# output (a regular expression; "" sends it right after the start, while it sets up).
# Usage: sigint_stops.sh <wait-for> <actortx-stress> <options...>
set -u
wait_for=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1 &
pid=$!
if [ -n "$wait_for" ]; then
  for _ in $(seq 600); do
    grep -Eq "$wait_for" "$out" && break
    kill -0 $pid 2>/dev/null || break  # it ended by itself: say so below
    sleep 0.1
  done
  grep -Eq "$wait_for" "$out" || { cat "$out"; echo "sigint_stops: never saw: $wait_for" >&2; exit 1; }
else
  sleep 0.3
fi
start=$(date +%s%N)
kill -INT $pid
wait $pid
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
cat "$out"
echo "sigint_stops: exit $rc $took ms after SIGINT"
[ "$took" -le 2000 ] || { echo "sigint_stops: took $took ms (limit 2000)" >&2; exit 1; }
