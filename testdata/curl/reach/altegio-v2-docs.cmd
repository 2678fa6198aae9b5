# developer.alteg.io B2B v2 (sguioco/hiteam docs/altegio-api/en-b2b-v2):
# Accept application/vnd.api.v2+json and "Bearer <partner>, User <user>".
curl -X GET "http://127.0.0.1:18123/api/v2/locations/4564/services?include=resources&page=1&count=25" \
  -H "Accept: application/vnd.api.v2+json" \
  -H "Authorization: Bearer partnertoken, User usertoken"
