curl -X PATCH http://127.0.0.1:18123/p
