# Chrome 131 "Copy as cURL (bash)" of an online-booking POST (cookies as -b,
# priority and sec-ch-ua headers, --data-raw), the host made the recorder.
curl 'http://127.0.0.1:18123/api/v1/book_record/4564' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'accept-language: ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7' \
  -H 'authorization: Bearer partnertoken' \
  -H 'content-type: application/json' \
  -b '_ga=GA1.1.1111.2222; _ym_uid=1700000000; _ym_d=1700000000' \
  -H 'origin: https://n4564.alteg.io' \
  -H 'priority: u=1, i' \
  -H 'referer: https://n4564.alteg.io/' \
  -H 'sec-ch-ua: "Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-ch-ua-platform: "Windows"' \
  -H 'sec-fetch-dest: empty' \
  -H 'sec-fetch-mode: cors' \
  -H 'sec-fetch-site: same-site' \
  -H 'user-agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  --data-raw '{"phone":"79000000000","fullname":"Ivan","email":"ivan@example.com","appointments":[{"id":1,"services":[331],"staff_id":8886,"datetime":"2026-01-10T10:00:00+03:00"}]}'
