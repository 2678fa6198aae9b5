# $'...' in a header and in the data.
curl -H $'X-Note: caf\xc3\xa9' --data-binary $'a=1\r\nb=2' 'http://127.0.0.1:18123/api/v1/notes'
