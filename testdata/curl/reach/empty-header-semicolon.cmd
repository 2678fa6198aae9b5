# -H 'X-Empty;' sends the header with an empty value.
curl -H 'X-Empty;' -H 'X-Request-Id: 42' 'http://127.0.0.1:18123/api/v1/company/4564'
