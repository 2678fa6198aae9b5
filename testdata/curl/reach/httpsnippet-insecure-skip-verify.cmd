# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/insecure-skip-verify.sh, mockbin.com
# made the recorder and test files made up.txt.
curl --request GET \
  --url http://127.0.0.1:18123/har \
  --insecure