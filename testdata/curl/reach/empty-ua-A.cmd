# -A '': curl then sends no User-Agent at all.
curl -A '' -H 'Accept: application/json' 'http://127.0.0.1:18123/api/v1/company/4564'
