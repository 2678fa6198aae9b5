curl -X POST -H 'X: 1' http://127.0.0.1:18123/p
