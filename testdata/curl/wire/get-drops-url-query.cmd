curl -G -d a=1 --url-query b=2 http://127.0.0.1:18123/p
