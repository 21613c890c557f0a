#!/bin/sh
# A password in the DSN (given in a DSN file, as a careful user does) appears nowhere: not in
# the output, the HTML report, nor any process's command line while the run goes on (worker
# nodes get the DSN through a pipe). The suite's cluster trusts local connections, so the
# password is never checked.
# Usage: secrets_stay_secret.sh <actortx-stress> <report.html>
set -u
bin=$1
report=$2
secret=s3cr3tPW
[ -n "${ACTORTX_DSN_FILE:-}" ] || { echo "secrets: needs ACTORTX_DSN_FILE" >&2; exit 1; }
dsn="$(head -n1 "$ACTORTX_DSN_FILE") password=$secret"
out=$(mktemp)
dsn_file=$(mktemp)
trap 'rm -f "$out" "$dsn_file"' EXIT
chmod 600 "$dsn_file"
echo "$dsn" >"$dsn_file"
rm -f "$report"
ACTORTX_DSN= ACTORTX_DSN_FILE=$dsn_file "$bin" --workload mixed --nodes 2 --plain-tcp --duration 5 --accounts 20 \
  --concurrency 4 --pool 2 --report "$report" --log-level info >"$out" 2>&1 &
pid=$!
seen=0
for _ in $(seq 40); do
  sleep 0.2
  workers=$(grep -las -- "--worker" /proc/[0-9]*/cmdline | wc -l)
  seen=$((seen + workers))
  # "[P]": grep's own command line must not match itself.
  leaked=$(grep -las -- "s3cr3t[P]W" /proc/[0-9]*/cmdline)
  if [ -n "$leaked" ]; then
    for f in $leaked; do echo "secrets: $f: $(tr '\0' ' ' <"$f")" >&2; done
    kill $pid
    exit 1
  fi
done
wait $pid
rc=$?
cat "$out"
[ "$rc" -eq 0 ] || { echo "secrets: exit code $rc" >&2; exit 1; }
[ "$seen" -gt 0 ] || { echo "secrets: never saw a worker's command line" >&2; exit 1; }
if grep -l "$secret" "$out" "$report"; then echo "secrets: the password leaked" >&2; exit 1; fi
echo "secrets: the password is in no output, report or command line ($seen worker looks)"
