curl 'http://u@127.0.0.1:18123/x'
