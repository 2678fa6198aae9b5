curl --location 'http://127.0.0.1:18123/api/v1/auth' \
--header 'Accept: application/vnd.api.v2+json' \
--header 'Content-Type: application/x-www-form-urlencoded' \
--data-urlencode 'login=me+test@example.com' \
--data-urlencode 'password=p@ss w0rd&more'
