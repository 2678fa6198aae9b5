# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/headers.sh, mockbin.com
# made the recorder and test files made up.txt.
curl --request GET \
  --url http://127.0.0.1:18123/har \
  --header 'accept: application/json' \
  --header 'quoted-value: "quoted" '\''string'\''' \
  --header 'x-foo: Bar'