curl 'http://127.0.0.1:18123/api/v1/company/1/staff' \
-X 'GET' \
-H 'Accept: application/vnd.api.v2+json' \
-H 'Authorization: Bearer abc' \
-H 'User-Agent: Mozilla/5.0 (Macintosh) Safari/605.1.15'
