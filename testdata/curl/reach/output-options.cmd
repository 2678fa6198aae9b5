# A monitoring script: only what curl prints changes (-s -S -f -o -w).
curl -s -S -f -o /dev/null -w '%{http_code} %{time_total}\n' --connect-timeout 5 --max-time 20 -H 'Authorization: Bearer partnertoken' 'http://127.0.0.1:18123/api/v1/company/4564'
