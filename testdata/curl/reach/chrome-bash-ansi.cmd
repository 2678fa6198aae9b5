# Chrome's bash export of a body holding ' and ! (escapeStringPosix in
# DevTools' NetworkLogView: $'...' with \' and \u0021), non-ASCII kept.
curl 'http://127.0.0.1:18123/api/v1/records/4564/123' \
  -X 'PUT' \
  -H 'accept: application/json' \
  -H 'content-type: application/json;charset=UTF-8' \
  --data-raw $'{"comment":"It\'s Иван\u0021 \\\\ ok","attendance":1}'
