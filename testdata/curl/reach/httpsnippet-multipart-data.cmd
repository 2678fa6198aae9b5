# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/multipart-data.sh, mockbin.com
# made the recorder and test files made up.txt.
curl --request POST \
  --url http://127.0.0.1:18123/har \
  --header 'content-type: multipart/form-data' \
  --form foo=@up.txt \
  --form 'bar=Bonjour le monde'