#!/bin/bash
# curlconverter.sh FIXTURES TOOL: the outside-corpus measurement of
# docs/inputs.md ("How faithful the replay is"). Each FIXTURES/*.sh (the
# curlconverter project's test/fixtures/curl_commands, not part of this
# repository) is run with real curl and pasted into TOOL (an
# altegio-ticket binary) with --curl; both are pointed with --connect-to
# at one loopback recorder (plain HTTP, or TLS when the client starts a
# handshake; -k for both), which keeps the first request of each. The
# requests are then compared byte for byte, the User-Agent line and the
# multipart boundary aside, and counted: same, differing only in header
# order or name case, differing otherwise, or not sent. Not run by the
# tests (it needs curl, openssl and the fixtures). Needs curl 7.88.1 to
# reproduce the published figures.
set -e
fixtures=$(cd "$1" && pwd)
tool=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
port=${PORT:-18300}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost >/dev/null 2>&1
echo /dev/null > current

cat > rec.py <<'PY'
import socket, ssl, sys, threading
port, current = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain('cert.pem', 'key.pem')
ctx.set_alpn_protocols(['http/1.1'])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port)); s.listen(50)
lock = threading.Lock()
def readreq(c):
    buf = b''
    while b'\r\n\r\n' not in buf:
        d = c.recv(65536)
        if not d: return buf
        buf += d
    head, _, rest = buf.partition(b'\r\n\r\n')
    if b'expect: 100-continue' in head.lower():
        c.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
    cl = None
    for line in head.split(b'\r\n')[1:]:
        k, _, v = line.partition(b':')
        if k.strip().lower() == b'content-length': cl = int(v.strip() or 0)
    if cl is not None:
        while len(rest) < cl:
            d = c.recv(65536)
            if not d: break
            rest += d
    elif b'transfer-encoding: chunked' in head.lower():
        while not rest.endswith(b'0\r\n\r\n'):
            d = c.recv(65536)
            if not d: break
            rest += d
    return head + b'\r\n\r\n' + rest
def handle(c):
    c.settimeout(3)
    try:
        if c.recv(1, socket.MSG_PEEK) == b'\x16':
            c = ctx.wrap_socket(c, server_side=True)
        while True:
            r = readreq(c)
            if not r: break
            with lock:
                open(open(current).read().strip(), 'ab').write(r + b'\n=====END=====\n')
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    except Exception:
        pass
    try: c.close()
    except Exception: pass
while True:
    c, _ = s.accept(); threading.Thread(target=handle, args=(c,), daemon=True).start()
PY
python3 rec.py "$port" current & server=$!
sleep 0.5

for f in "$fixtures"/*.sh; do
	n=$(basename "$f" .sh)
	: > "$n.curl"; : > "$n.tool"
	echo "$work/$n.curl" > current
	(cd "$fixtures" && timeout 8 bash -c 'curl(){ command curl -s -o /dev/null -m 5 -k --connect-to ::127.0.0.1:'"$port"' "$@"; }; source '"$n"'.sh' </dev/null >/dev/null 2>&1) || true
	sleep 0.15
	echo "$work/$n.tool" > current
	(cd "$fixtures" && timeout 10 "$tool" --curl "@$n.sh" --connect-to "::127.0.0.1:$port" -k --yes -o "$work/$n.eml" --force </dev/null >/dev/null 2>&1) || true
	sleep 0.15
done

python3 - "$work" <<'PY'
import collections, glob, os, re, sys
work = sys.argv[1]
def first(p):
    d = open(p, 'rb').read()
    return d.split(b'\n=====END=====\n')[0] if d else None
def norm(d):
    d = re.sub(rb'User-Agent: [^\r\n]*', b'User-Agent: UA', d)
    m = re.search(rb'boundary=(-*[0-9a-zA-Z]+)', d)
    return d.replace(m.group(1), b'BOUNDARY') if m else d
def unordered(d):
    head, _, body = d.partition(b'\r\n\r\n')
    lines = head.split(b'\r\n')
    return lines[0], sorted(l.lower() for l in lines[1:]), body
res = {}
for p in sorted(glob.glob(work + '/*.curl')):
    n = os.path.basename(p)[:-5]
    c, t = first(p), first(work + '/' + n + '.tool')
    if c is None: res[n] = 'curl sent nothing'
    elif t is None: res[n] = 'tool sent nothing'
    elif norm(c) == norm(t): res[n] = 'same'
    elif unordered(norm(c)) == unordered(norm(t)): res[n] = 'order or case only'
    else: res[n] = 'differs'
for k, v in sorted(collections.Counter(res.values()).items()):
    print(f'{v:4d}  {k}')
for k in ('order or case only', 'differs', 'tool sent nothing'):
    names = [n for n, v in res.items() if v == k]
    if names: print(k + ':', ' '.join(names))
PY
