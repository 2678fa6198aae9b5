# httpsnippet (Kong/httpsnippet, the code generator of Insomnia, Bruno and
# many API portals): src/targets/shell/curl/fixtures/globoff-option.sh, mockbin.com
# made the recorder and test files made up.txt.
curl -X GET -g 'http://127.0.0.1:18123/har?foo[bar]=baz,zap&fiz=buz&key=value'