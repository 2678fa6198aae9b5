curl -H 'X-A:  v  ' -H $'X-B:\tt' -H 'X-C:c' http://127.0.0.1:18123/p
