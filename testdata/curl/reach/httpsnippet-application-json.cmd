# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/application-json.sh, mockbin.com
# made the recorder and test files made up.txt.
curl --request POST \
  --url http://127.0.0.1:18123/har \
  --header 'content-type: application/json' \
  --data '{"number":1,"string":"f\"oo","arr":[1,2,3],"nested":{"a":"b"},"arr_mix":[1,"a",{"arr_mix_nested":{}}],"boolean":false}'