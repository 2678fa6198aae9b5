# Chrome's bash export of a DELETE (-X 'DELETE', no body).
curl 'http://127.0.0.1:18123/api/v1/record/4564/123?include_consumables=0' \
  -X 'DELETE' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'authorization: Bearer abc, User def' \
  -H 'user-agent: Mozilla/5.0'
