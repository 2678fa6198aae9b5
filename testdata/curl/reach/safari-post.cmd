# Safari 17 "Copy as cURL": -X first, one header a line, --data-binary.
curl 'http://127.0.0.1:18123/api/v1/book_record/4564' \
-X 'POST' \
-H 'Content-Type: application/json' \
-H 'Accept: application/json, text/plain, */*' \
-H 'Authorization: Bearer partnertoken' \
-H 'Origin: https://n4564.alteg.io' \
-H 'User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15' \
--data-binary '{"phone":"79000000000","fullname":"Ivan"}'
