curl 'http://127.0.0.1:18123/api/v1/records/1?a=1' \
  -H 'accept: application/vnd.api.v2+json' \
  -H 'accept-language: en-US,en;q=0.9' \
  -H 'authorization: Bearer abc, User def' \
  -H 'content-type: application/json' \
  -H 'cookie: _ga=GA1.1; session=xyz' \
  -H 'sec-ch-ua: "Chromium";v="120"' \
  -H 'user-agent: Mozilla/5.0' \
  --data-raw '{"staff_id":1,"services":[{"id":2}]}' \
  --compressed
