# Postman's x-www-form-urlencoded snippet: one --data-urlencode a field.
curl --location 'http://127.0.0.1:18123/api/v1/auth' \
--header 'Content-Type: application/x-www-form-urlencoded' \
--data-urlencode 'login=+79000000000' \
--data-urlencode 'password=p@ss word&1'
