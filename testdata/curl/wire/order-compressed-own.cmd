curl --compressed -H 'accept-encoding: gzip' http://127.0.0.1:18123/p
