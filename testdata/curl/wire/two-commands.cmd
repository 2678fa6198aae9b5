curl http://127.0.0.1:18123/first

# then
curl http://127.0.0.1:18123/second
