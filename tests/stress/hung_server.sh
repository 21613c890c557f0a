#!/bin/sh
# A "server" that accepts TCP connections and never answers, as --dsn: actortx-stress must
# give up within a few seconds (its connections carry connect_timeout) with a clear message,
# not hang in PQconnectdb (it did, for 10 minutes).
# Usage: hung_server.sh <actortx-stress>
set -u
bin=$1
command -v python3 >/dev/null || { echo "hung_server: no python3: skipped"; exit 77; }
dir=$(mktemp -d)
trap 'kill $listener 2>/dev/null; rm -rf "$dir"' EXIT
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # accepted, never read from, never answered
' "$dir/port" &
listener=$!
for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
port=$(cat "$dir/port")
start=$(date +%s%N)
"$bin" --dsn "host=127.0.0.1 port=$port user=nobody dbname=nothing" --transfers 10 \
  >"$dir/out" 2>&1
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
cat "$dir/out"
echo "hung_server: exit $rc after $took ms"
[ "$rc" -ne 0 ] || { echo "hung_server: exit code 0" >&2; exit 1; }
[ "$took" -le 15000 ] || { echo "hung_server: took $took ms (limit 15000)" >&2; exit 1; }
grep -q "cannot connect to PostgreSQL at 127.0.0.1:$port" "$dir/out" ||
  { echo "hung_server: no clear message" >&2; exit 1; }
