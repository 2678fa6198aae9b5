curl -X DELETE -d '' http://127.0.0.1:18123/p
