curl --no-basic --no-compressed -u a:b http://127.0.0.1:18123/p
