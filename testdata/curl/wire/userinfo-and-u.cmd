curl -u x:y 'http://u:p@127.0.0.1:18123/x'
