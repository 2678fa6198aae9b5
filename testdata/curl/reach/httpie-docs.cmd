# HTTPie's docs compare `http PUT pie.dev/put X-API-Token:123 name=John`
# with this curl.
curl -X PUT http://127.0.0.1:18123/put -H 'X-API-Token: 123' -H 'Content-Type: application/json' -H 'Accept: application/json, */*;q=0.5' -d '{"name": "John"}'
