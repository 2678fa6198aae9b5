curl -s -X POST 'http://127.0.0.1:18123/api/v1/auth' \
  -H 'Accept: application/vnd.yclients.v2+json' \
  -H 'Content-Type: application/json' \
  -H 'Authorization: Bearer partnertoken' \
  -d '{"login":"79000000000","password":"secret"}'
