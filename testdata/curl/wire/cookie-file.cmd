curl -b cookies.txt http://127.0.0.1:18123/api/x/y
