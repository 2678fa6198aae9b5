# Chrome's cmd export of a body with a line break (^, newline, newline
# inside ^"...^"), saved with CRLF line ends (chrome-cmd-multiline.win).
curl 'http://127.0.0.1:18123/api/v1/comments/4564' \
  -H 'content-type: text/plain' \
  --data-raw $'line one\nline two'
