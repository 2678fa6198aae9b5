# -X PATCH with a charset in Content-Type and --data-ascii.
curl -X PATCH -H 'Content-Type: application/json; charset=utf-8' --data-ascii '{"status":"confirmed"}' 'http://127.0.0.1:18123/api/v1/record/4564/1'
