# Postman 7/8 snippets: --location --request GET and a trailing header.
curl --location --request GET 'http://127.0.0.1:18123/api/v1/company/4564' \
--header 'Authorization: Bearer partnertoken'
