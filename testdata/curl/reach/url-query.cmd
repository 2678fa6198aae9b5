# curl 7.87's --url-query: encoded, and raw with +.
curl --url-query 'fullname=Ivan Petrov' --url-query '+phone=%2B7900' 'http://127.0.0.1:18123/api/v1/clients/4564?page=1'
