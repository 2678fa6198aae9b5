# record-server.py PORT OUT: a loopback recorder for record.sh. It answers
# 200 to every request and appends its raw bytes to OUT, each followed by
# a line =====END=====.
import socket, sys, threading
port=int(sys.argv[1]); out=sys.argv[2]
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',port)); s.listen(50)
lock=threading.Lock()
def readreq(c):
    buf=b''
    while b'\r\n\r\n' not in buf:
        d=c.recv(65536)
        if not d: return buf
        buf+=d
    head,_,rest=buf.partition(b'\r\n\r\n')
    hl=head.lower()
    if b'expect: 100-continue' in hl:
        c.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
    cl=None
    for line in head.split(b'\r\n')[1:]:
        k,_,v=line.partition(b':')
        if k.strip().lower()==b'content-length': cl=int(v.strip())
    if cl is not None:
        while len(rest)<cl:
            d=c.recv(65536)
            if not d: break
            rest+=d
    elif b'transfer-encoding: chunked' in hl:
        while not rest.endswith(b'0\r\n\r\n'):
            d=c.recv(65536)
            if not d: break
            rest+=d
    return head+b'\r\n\r\n'+rest
def handle(c):
    c.settimeout(3)
    try:
        while True:
            r=readreq(c)
            if not r: break
            with lock:
                open(out,'ab').write(r+b'\n=====END=====\n')
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    except Exception: pass
    c.close()
while True:
    c,_=s.accept(); threading.Thread(target=handle,args=(c,),daemon=True).start()
