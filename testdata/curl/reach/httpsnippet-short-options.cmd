# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/short-options.sh, mockbin.com
# made the recorder and test files made up.txt.
curl -X POST 'http://127.0.0.1:18123/har?foo=bar&foo=baz&baz=abc&key=value' -H 'accept: application/json' -H 'content-type: application/x-www-form-urlencoded' -b 'foo=bar; bar=baz' --data foo=bar