curl -F a=1 -F 'f=@up.txt' http://127.0.0.1:18123/upload
