# -d @file.json with a Content-Type.
curl -X POST -H 'Content-Type: application/json' -d @body.json 'http://127.0.0.1:18123/api/v1/records/4564'
