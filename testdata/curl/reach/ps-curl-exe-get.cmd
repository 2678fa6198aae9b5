# PowerShell with curl.exe, a token from $env:PARTNER_TOKEN (set to
# partnertoken) and & in a double-quoted URL (ps-curl-exe-get.win).
curl -s -H 'Accept: application/vnd.api.v2+json' \
  -H 'Authorization: Bearer partnertoken, User usertoken' \
  'http://127.0.0.1:18123/api/v2/locations/4564/services?page=1&count=10'
