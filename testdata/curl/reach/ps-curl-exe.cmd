# Windows PowerShell 5.1 calling curl.exe (ps-curl-exe.win): backtick
# continuations, the JSON's quotes written \" inside single quotes as
# PowerShell 5.1 users must; the argv curl.exe gets.
curl -X POST 'http://127.0.0.1:18123/api/v1/book_record/4564' \
  -H 'Authorization: Bearer partnertoken' \
  -H 'Content-Type: application/json' \
  -d '{"phone":"79000000000","fullname":"Ivan Petrov"}'
