# A hand-written cmd.exe command from a Windows user: "..." quoting,
# \" inside, ^ continuations (cmd-handwritten.win); the argv curl.exe
# gets. cmd.exe does not know \", so its quotes pair up differently from
# curl.exe's: "VIP ^&" is outside them and the caret goes.
curl -X POST 'http://127.0.0.1:18123/api/v1/clients/4564' \
  -H 'Content-Type: application/json' \
  -H 'Accept: application/vnd.api.v2+json' \
  -H 'Authorization: Bearer partnertoken, User usertoken' \
  -d '{"name":"Ivan","phone":"79000000000","comment":"VIP & friends"}'
