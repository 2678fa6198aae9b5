# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/full.sh, mockbin.com
# made the recorder and test files made up.txt.
curl --request POST \
  --url 'http://127.0.0.1:18123/har?foo=bar&foo=baz&baz=abc&key=value' \
  --header 'accept: application/json' \
  --header 'content-type: application/x-www-form-urlencoded' \
  --cookie 'foo=bar; bar=baz' \
  --data foo=bar