# -G with --data-urlencode (a Cyrillic value with a space).
curl -G --data-urlencode 'fullname=Иван Петров' --data-urlencode 'count=10' 'http://127.0.0.1:18123/api/v1/clients/4564'
