# Postman 11 Code > cURL of a raw JSON body: --location, --header, and
# --data-raw in single quotes over several lines, a "\n" in a JSON string.
curl --location 'http://127.0.0.1:18123/api/v1/records/4564' \
--header 'Accept: application/vnd.api.v2+json' \
--header 'Content-Type: application/json' \
--header 'Authorization: Bearer partnertoken, User usertoken' \
--data-raw '{
    "staff_id": 8886,
    "services": [{"id": 331}],
    "client": {"phone": "79000000000", "name": "Ivan"},
    "datetime": "2026-01-10T10:00:00+03:00",
    "seance_length": 3600,
    "comment": "first line\nsecond line",
    "send_sms": true
}'
