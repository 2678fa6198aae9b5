curl 'http://127.0.0.1:18123/p?filter={"a":1}'
