# Insomnia 2023 "Copy as Curl" (httpsnippet's curl target): --request,
# --url, --header, --data.
curl --request POST \
  --url http://127.0.0.1:18123/api/v1/book_record/4564 \
  --header 'Content-Type: application/json' \
  --header 'User-Agent: insomnia/2023.5.8' \
  --data '{
	"phone": "79000000000",
	"fullname": "Ivan",
	"appointments": [{"id": 1, "services": [331], "staff_id": 8886, "datetime": "2026-01-10T10:00:00+03:00"}]
}'
