#!/bin/bash
# record.sh [NAME...]: re-record NAME.req (all of them by default) with
# real curl: each NAME.cmd runs in testdata/curl/files against
# record-server.py on 127.0.0.1:18123, and the first request curl sends
# is kept. Not run by the tests (they need no curl); run it by hand
# after adding a .cmd, and say which curl made the files (7.88.1 made
# these).
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
python3 "$here/record-server.py" 18123 "$out" & server=$!
trap 'kill $server' EXIT
sleep 0.5
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$here" && ls *.cmd | sed 's/\.cmd$//'))
for n in "${names[@]}"; do
	: > "$out"
	(cd "$here/../files" && HOME=/home/me timeout 5 bash "$here/$n.cmd" >/dev/null 2>&1 </dev/null) || true
	sleep 0.2
	python3 - "$out" "$here/$n.req" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(d.split(b'\n=====END=====\n')[0])
PY
	[ -s "$here/$n.req" ] || echo "curl sent nothing for $n" >&2
done
