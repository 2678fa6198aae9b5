# Edge 131 "Copy as cURL (bash)": Chromium's export with Edge's brand.
curl 'http://127.0.0.1:18123/api/v1/company/4564/services?staff_id=8886' \
  -H 'Accept: application/vnd.api.v2+json' \
  -H 'Accept-Language: en-US,en;q=0.9' \
  -H 'Authorization: Bearer abc, User def' \
  -H 'Connection: keep-alive' \
  -H 'Sec-Fetch-Dest: empty' \
  -H 'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0' \
  -H 'sec-ch-ua: "Microsoft Edge";v="131", "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-ch-ua-mobile: ?0'
