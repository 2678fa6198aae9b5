# Chrome's bash export of an urlencoded form post.
curl 'http://127.0.0.1:18123/login' \
  -H 'content-type: application/x-www-form-urlencoded' \
  -H 'origin: https://app.alteg.io' \
  --data-raw 'login=me%40example.com&password=p%40ss+word&remember=1'
