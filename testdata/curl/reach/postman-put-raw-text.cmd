# Postman 10 snippet of a PUT with --request and a raw body.
curl --location --request PUT 'http://127.0.0.1:18123/api/v1/staff/4564/8886' \
--header 'Content-Type: application/json' \
--data '{"name":"Anna","specialization":"Stylist"}'
