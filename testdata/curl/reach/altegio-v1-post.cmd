# Alteg.io/YCLIENTS v1 docs' form of a POST: --request, --header,
# -d with the JSON in single quotes.
curl --request POST \
  --url 'http://127.0.0.1:18123/api/v1/clients/4564' \
  --header 'Accept: application/vnd.api.v2+json' \
  --header 'Content-Type: application/json' \
  --header 'Authorization: Bearer partnertoken, User usertoken' \
  -d '{"name":"Ivan","phone":"79000000000","email":"ivan@example.com","sex_id":1,"importance_id":0,"discount":0,"comment":"","custom_fields":{}}'
