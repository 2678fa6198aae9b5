# Bruno 1.x "Generate Code > Shell - curl": httpsnippet's curl target
# with --url and a quoted query.
curl --request GET \
  --url 'http://127.0.0.1:18123/api/v1/records/4564?start_date=2026-01-01&end_date=2026-01-31&count=50' \
  --header 'accept: application/vnd.api.v2+json' \
  --header 'authorization: Bearer partnertoken, User usertoken'
