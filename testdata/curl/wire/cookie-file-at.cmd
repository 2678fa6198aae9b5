curl -b @cookies.txt -b 'x=1' -b 'y=2' http://127.0.0.1:18123/api
