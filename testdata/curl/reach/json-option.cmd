# curl 7.82's --json with the v2 Accept given too.
curl --json '{"title":"Haircut","category_id":1}' -H 'Accept: application/vnd.api.v2+json' 'http://127.0.0.1:18123/api/v2/locations/4564/services'
