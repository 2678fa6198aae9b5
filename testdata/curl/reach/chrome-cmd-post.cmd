# Chrome 131 "Copy as cURL (cmd)" (chrome-cmd-post.win, escapeStringWin:
# ^"...^", \" as ^\^", % before a name as ^%^); this is the argv curl.exe
# gets, for recording with curl on Linux.
curl 'http://127.0.0.1:18123/api/v1/book_record/4564?lang=ru&utm_source=widget' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'authorization: Bearer partnertoken' \
  -H 'content-type: application/json' \
  -b '_ga=GA1.1.1111.2222; _ym_uid=1700000000' \
  -H 'sec-ch-ua: "Google Chrome";v="131", "Chromium";v="131"' \
  -H 'sec-ch-ua-platform: "Windows"' \
  -H 'user-agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0' \
  --data-raw '{"phone":"79000000000","comment":"50% off, 100%25"}'
