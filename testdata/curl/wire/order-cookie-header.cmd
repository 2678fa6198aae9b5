curl -b 'c=1' -H 'Cookie: d=2' -H 'X: 1' http://127.0.0.1:18123/p
