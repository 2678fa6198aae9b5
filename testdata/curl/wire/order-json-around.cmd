curl -H 'X: 1' --json '{}' -H 'Y: 2' http://127.0.0.1:18123/p
