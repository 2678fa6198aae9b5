curl -T up.txt -H 'X: 1' http://127.0.0.1:18123/dir/
