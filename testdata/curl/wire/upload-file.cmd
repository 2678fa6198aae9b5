curl -T up.txt http://127.0.0.1:18123/dir/file
