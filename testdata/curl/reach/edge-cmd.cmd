# Edge 131 "Copy as cURL (cmd)" of a GET whose query has & and %D0%98
# (edge-cmd.win); the argv curl.exe gets.
curl 'http://127.0.0.1:18123/api/v1/clients/4564?page=1&count=50&fullname=%D0%98' \
  -H 'Accept: application/json' \
  -H 'Authorization: Bearer abc, User def' \
  -H 'User-Agent: Mozilla/5.0 Edg/131.0.0.0' \
  -H 'sec-ch-ua: "Microsoft Edge";v="131"'
