# -H @file (curl 7.55+): headers from a file.
curl -H @headers.txt 'http://127.0.0.1:18123/api/v1/company/4564'
