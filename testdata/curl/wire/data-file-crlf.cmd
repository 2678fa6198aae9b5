curl -d @crlf.txt -d x=1 http://127.0.0.1:18123/p
