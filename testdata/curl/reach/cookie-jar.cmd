# -b and -c on the same cookie file, with -L.
curl -L -b cookies.txt -c cookies.txt 'http://127.0.0.1:18123/api/v1/company/4564'
