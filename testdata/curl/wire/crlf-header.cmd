curl -H $'X-A: 1\r\nX-B: 2' -H $'X-C: 3\nX-D: 4' http://127.0.0.1:18123/p
