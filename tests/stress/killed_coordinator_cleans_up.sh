#!/bin/sh
# kill -9 of the coordinator of a --nodes run: its temp dir (TLS keys, logs) is gone within a
# few seconds (a watcher process removes it), and no worker survives it (lifeline pipes).
# Usage: killed_coordinator_cleans_up.sh <actortx-stress>
set -u
bin=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" --nodes 2 --duration 30 --accounts 20 --concurrency 2 --pool 2 >"$out" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q "logs in " "$out" && break; sleep 0.1; done
dir=$(sed -n 's/.*; logs in \(.*\)$/\1/p' "$out")
[ -n "$dir" ] && [ -d "$dir" ] || { cat "$out"; echo "cleanup: no nodes dir" >&2; exit 1; }
[ -f "$dir/node.key" ] || { echo "cleanup: no node.key in $dir" >&2; exit 1; }
[ ! -e "$dir/ca.key" ] || { echo "cleanup: the CA key outlived the signing" >&2; exit 1; }
sleep 1
workers=$(pgrep -P $pid -f -- "--worker")
[ -n "$workers" ] || { echo "cleanup: no worker processes" >&2; exit 1; }
kill -9 $pid
wait $pid 2>/dev/null
for _ in $(seq 50); do [ -e "$dir" ] || break; sleep 0.1; done
cat "$out"
[ ! -e "$dir" ] || { echo "cleanup: $dir still there 5 s after kill -9" >&2; exit 1; }
left=
for _ in $(seq 100); do
  left=
  for w in $workers; do kill -0 "$w" 2>/dev/null && left="$left $w"; done
  [ -z "$left" ] && break
  sleep 0.1
done
[ -z "$left" ] || { echo "cleanup: worker(s)$left outlived the coordinator by 10 s" >&2; exit 1; }
echo "cleanup: $dir removed and workers ($workers) gone after kill -9 of the coordinator"
