# -F with ;type= and --form-string.
curl -F 'meta={"a":1};type=application/json' --form-string 'note=@not a file' 'http://127.0.0.1:18123/api/v1/upload'
