# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/urlencode.sh, mockbin.com
# made the recorder and test files made up.txt.
curl --request POST \
  --url http://127.0.0.1:18123/har \
  --header 'content-type: application/x-www-form-urlencoded' \
  --data-urlencode 'user%20name=John Doe' \
  --data-urlencode '%24filter=by id'