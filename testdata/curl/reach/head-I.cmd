# -I: HEAD, with -s.
curl -sI 'http://127.0.0.1:18123/api/v1/company/4564'
