curl -H 'X-Empty;' -H 'Accept:' -H 'X-NoSpace:v' http://127.0.0.1:18123/p
