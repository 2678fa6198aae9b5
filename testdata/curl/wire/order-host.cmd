curl -H 'host: other.test:1' -H 'X-A: 1' http://127.0.0.1:18123/p
