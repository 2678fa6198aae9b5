curl -F a=1 -H 'X: 1' -H 'Authorization: Bearer t' http://127.0.0.1:18123/upload
