#!/bin/bash
# record.sh [NAME...]: record NAME.req (all of them by default) with real
# curl for TestReachCorpus. Each NAME.cmd is a command as people paste it,
# its source in its first comment lines; NAME.win, where there is one, is
# the Windows text that is pasted instead, and NAME.cmd then gives the
# argv curl.exe receives from it. NAME.sh, where there is one, is what
# runs instead of NAME.cmd, for text bash cannot run as it is (a "$ "
# prompt, a pipe into a program that may be missing). Each runs with
# bash in a copy of ../files against ../wire/record-server.py on
# 127.0.0.1:18123, and the first request curl sends is kept. Not run by
# the tests (they need no curl). 7.88.1 (Debian 12) made these files.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
python3 "$here/../wire/record-server.py" 18123 "$out" & server=$!
trap 'kill $server' EXIT
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/18123) 2>/dev/null && break; sleep 0.1; done
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$here" && ls *.cmd | sed 's/\.cmd$//'))
for n in "${names[@]}"; do
	: > "$out"
	script="$here/$n.cmd"
	[ -f "$here/$n.sh" ] && script="$here/$n.sh"
	dir=$(mktemp -d)
	cp -r "$here/../files/." "$dir"
	(cd "$dir" && HOME=/home/me PARTNER_TOKEN=partnertoken timeout 5 bash "$script" >/dev/null 2>&1 </dev/null) || true
	rm -rf "$dir"
	sleep 0.2
	python3 - "$out" "$here/$n.req" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(d.split(b'\n=====END=====\n')[0])
PY
	[ -s "$here/$n.req" ] || { echo "curl sent nothing for $n" >&2; rm -f "$here/$n.req"; }
done
